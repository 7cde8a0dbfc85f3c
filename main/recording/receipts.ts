/**
 * The server's receipts for each recording, asked for in the background so that a slow or
 * unreachable server never holds a recording up. At start: a start receipt (retried a few
 * times). Once the writer has closed the signed manifest: a stop receipt for the file as it was
 * closed (its bytes, SHA-256, chain head and times), then the manifest is signed again with both
 * receipts in it, or with why one never came. After a crash, the next start asks for the stop
 * receipt of what it recovered, and the manifest says so.
 */
import * as fsPromises from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ReceiptRequest } from '../../shared/protocol/recording-receipts.ts';
import { replaceManifest, manifestPathOf, type RecordingFs } from './files.ts';
import { checkSignature } from './manifest-signature.ts';
import { manifestSchema, type RecordingManifest } from './manifest.ts';
import { whyNot, withRetries, type ReceiptsApi } from './receipts-api.ts';
import type { ServerReceipts, StoredReceipt } from './receipts-schema.ts';
import type { RecordingSigner } from './signing-key.ts';

/** A receipt, or why there is none. */
type Outcome = { receipt: StoredReceipt } | { missing: string };

export interface RecordingReceiptsDeps {
  api: ReceiptsApi;
  signer: RecordingSigner;
  /** The recordings folder (where recovered recordings are). */
  folder: () => string;
  fs?: RecordingFs;
  retryDelaysMs?: readonly number[];
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface RecordingReceipts {
  /** Asks for the start receipt in the background. */
  started(recordingId: string, callId: string): void;
  /** The manifest is closed and signed: asks for the stop receipt and signs it in, in the background. */
  closed(recordingId: string, manifestPath: string): void;
  /** Recordings the next start recovered: their stop receipts, marked recovered. */
  recovered(manifests: readonly RecordingManifest[]): void;
  /** Resolves once this recording's manifest holds its receipts (or why not), or after `timeoutMs`. */
  settled(recordingId: string, timeoutMs?: number): Promise<void>;
  /** Waits for every receipt still being asked for, at most `timeoutMs` (on quit). */
  drain(timeoutMs: number): Promise<void>;
}

const NOT_ASKED = 'the app asked for no stop receipt, because the server gave no start receipt';

function bounded(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((done) => {
    timer = setTimeout(done, timeoutMs);
  });
  return Promise.race([work.then(() => undefined), late]).finally(() => {
    clearTimeout(timer);
  });
}

/** The stop request for the file a closed manifest describes. */
function stopRequest(m: RecordingManifest, recordingId: string): ReceiptRequest | null {
  if (m.sha256 === null || m.endedAt === null) return null;
  return {
    phase: 'stop',
    callId: m.callId,
    recordingId,
    bytes: m.bytes,
    sha256: m.sha256,
    chainHead: m.chain.head,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
  };
}

export function createRecordingReceipts(deps: RecordingReceiptsDeps): RecordingReceipts {
  const fs = deps.fs ?? fsPromises;
  const log = deps.log ?? (() => undefined);
  const retry = <T>(work: () => Promise<T>) => withRetries(work, deps.retryDelaysMs);
  const starts = new Map<string, Promise<Outcome>>();
  const pending = new Map<string, Promise<void>>();

  const ask = async (request: ReceiptRequest): Promise<Outcome> => {
    try {
      return { receipt: await retry(() => deps.api.issue(request)) };
    } catch (error) {
      return { missing: whyNot(error) };
    }
  };

  /** The closed manifest as written, if it is still ours to sign again (never a tampered one). */
  async function readClosed(path: string): Promise<RecordingManifest | null> {
    const raw = JSON.parse(await fs.readFile(path, 'utf8')) as Record<string, unknown>;
    if (checkSignature(raw).state === 'bad') return null;
    const parsed = manifestSchema.safeParse(raw);
    return parsed.success && parsed.data.status !== 'recording' ? parsed.data : null;
  }

  async function signReceiptsIn(
    path: string,
    start: Outcome,
    stop: Outcome | null,
    recovered: boolean,
  ): Promise<void> {
    const manifest = await readClosed(path);
    if (!manifest) return;
    const missing = [
      ...('missing' in start ? [`no start receipt: ${start.missing}`] : []),
      ...(stop && 'missing' in stop ? [`no stop receipt: ${stop.missing}`] : []),
      ...(stop ? [] : [`no stop receipt: ${NOT_ASKED}`]),
    ];
    const receiptOf = (o: Outcome | null) => (o && 'receipt' in o ? o.receipt : null);
    const first = receiptOf(start) ?? receiptOf(stop);
    const serverReceipts: ServerReceipts = {
      serverKeyId: first?.receipt.serverKeyId ?? null,
      start: receiptOf(start),
      stop: receiptOf(stop),
      missing,
      ...(recovered ? { recovered: true } : {}),
    };
    await replaceManifest(fs, path, await deps.signer.sign({ ...manifest, serverReceipts }));
  }

  async function close(recordingId: string, path: string): Promise<void> {
    const start = (await starts.get(recordingId)) ?? { missing: 'the app did not ask for one' };
    starts.delete(recordingId);
    const manifest = await readClosed(path);
    const request = manifest && stopRequest(manifest, recordingId);
    if (!request) return;
    // The server signs a stop only after its start receipt.
    const stop = 'receipt' in start ? await ask(request) : null;
    await signReceiptsIn(path, start, stop, false);
  }

  async function recover(manifest: RecordingManifest): Promise<void> {
    const { recordingId } = manifest;
    if (recordingId === undefined) return; // made before receipts: the server never knew it
    const path = manifestPathOf(join(resolve(deps.folder()), manifest.file));
    let start: Outcome;
    try {
      const held = await retry(() => deps.api.list(recordingId));
      const found = held.find((r) => r.receipt.phase === 'start');
      start = found
        ? { receipt: found }
        : {
            missing:
              'the server holds none for this recording (the app stopped before it answered)',
          };
    } catch (error) {
      start = {
        missing: `the app could not ask the server when it recovered the recording: ${whyNot(error)}`,
      };
    }
    const request = stopRequest(manifest, recordingId);
    const stop = 'receipt' in start && request ? await ask(request) : null;
    await signReceiptsIn(path, start, stop, true);
  }

  function track(recordingId: string, work: Promise<void>): void {
    const done = work
      .catch((error: unknown) => {
        // The manifest keeps what it had: verifying it says there is no receipt.
        log('recording.receipts-failed', {
          error: error instanceof Error ? error.name : 'unknown',
        });
      })
      .finally(() => {
        if (pending.get(recordingId) === done) pending.delete(recordingId);
      });
    pending.set(recordingId, done);
  }

  return {
    started(recordingId, callId) {
      starts.set(recordingId, ask({ phase: 'start', callId, recordingId }));
    },
    closed(recordingId, manifestPath) {
      track(recordingId, close(recordingId, manifestPath));
    },
    recovered(manifests) {
      for (const m of manifests) if (m.recordingId) track(m.recordingId, recover(m));
    },
    async settled(recordingId, timeoutMs = 15_000) {
      const work = pending.get(recordingId);
      if (work) await bounded(work, timeoutMs);
    },
    drain: (timeoutMs) => bounded(Promise.all(pending.values()), timeoutMs),
  };
}
