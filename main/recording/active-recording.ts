/**
 * One recording while it runs: chunks appended to the file in call order (one queue per
 * recording), each hashed into the chain and logged to the journal, both synced at least once a
 * second; then closed with a signed manifest. Never buffered whole.
 */
import { createHash, type Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { RecordingSummary } from '../../shared/bridge/contract.ts';
import type { BridgeFailure } from '../../shared/bridge/results.ts';
import type { CallAccount, Claimed, DescribeCall } from './call-account.ts';
import { alreadyStopped, errorCode, toFailure } from './failures.ts';
import { replaceManifest, type RecordingFs } from './files.ts';
import { createChain, type Chain } from './hash-chain.ts';
import { journalLine } from './journal.ts';
import { buildManifest, type ManifestBase } from './manifest.ts';
import type { RecordingSigner } from './signing-key.ts';
import { finishWebm } from './webm-finish.ts';

/** A crash loses at most this much of the recording. */
const SYNC_INTERVAL_MS = 1_000;

export type ClosingStatus = 'complete' | 'interrupted' | 'failed';

/** Main ends the recording itself: why, for the advisor and for the manifest. */
export interface StopReason {
  /** Repeated to the renderer's later appends, so it can say why and stop. */
  failure: BridgeFailure;
  /** Who joined without having agreed to be recorded (manifest.consentMissing). */
  consentMissing: string[];
}

export interface RecordingContext {
  fs: RecordingFs;
  now: () => number;
  signer: RecordingSigner;
  describeCall: DescribeCall;
  /** Told once the recording is closed, with why it ended early (if it did). */
  onClosed: (id: string, summary: RecordingSummary, failure: BridgeFailure | null) => void;
}

export interface OpenFiles {
  folder: string;
  fileName: string;
  path: string;
  manifestPath: string;
  journalPath: string;
  media: FileHandle;
  journal: FileHandle;
}

export interface ActiveRecording {
  readonly id: string;
  readonly callId: string;
  readonly files: OpenFiles;
  append(bytes: Uint8Array): Promise<{ bytes: number }>;
  /** Closes it once; later calls answer with the same result. A reason makes it 'interrupted'. */
  stop(status: 'complete' | 'interrupted', reason?: StopReason): Promise<RecordingSummary>;
}

export interface RecordingStartInfo {
  base: ManifestBase;
  claimed: readonly Claimed[];
  /** The cross-check made at start: the renderer's list is compared with who was there then. */
  startAccount: CallAccount;
}

export function openActiveRecording(
  id: string,
  files: OpenFiles,
  info: RecordingStartInfo,
  ctx: RecordingContext,
): ActiveRecording {
  const { fs, now } = ctx;
  const hash: Hash = createHash('sha256');
  const chain: Chain = createChain();
  let bytes = 0;
  let tail: Promise<unknown> = Promise.resolve();
  let lastSyncAt = info.base.startedAt;
  let dirty = false;
  let syncTimer: NodeJS.Timeout | null = null;
  let stopping: Promise<RecordingSummary> | null = null;
  let stopReason: StopReason | null = null;
  let closed: { summary: RecordingSummary; failure: BridgeFailure | null } | null = null;

  function enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  }

  const summary = (): RecordingSummary => ({
    recordingId: id,
    fileName: files.fileName,
    folder: files.folder,
    bytes,
    durationMs: Math.max(0, Math.round(now() - info.base.startedAt)),
    sha256: hash.copy().digest('hex'),
  });

  const failureOf = (problem: unknown): BridgeFailure =>
    toFailure(problem, files.folder, bytes > 0 ? files.fileName : null);

  /**
   * Closes the files with everything written so far and writes the signed manifest. Never
   * throws: the first problem is returned, and a 'complete' recording that hit one is 'failed'.
   */
  async function finish(
    status: ClosingStatus,
    cause?: unknown,
  ): Promise<{ summary: RecordingSummary; problem: unknown }> {
    if (closed) return { summary: closed.summary, problem: closed.failure ?? undefined };
    if (syncTimer) clearTimeout(syncTimer);
    syncTimer = null;
    let problem: unknown = cause;
    for (const handle of [files.media, files.journal]) {
      try {
        await handle.datasync();
      } catch (error) {
        problem ??= error;
      }
      try {
        await handle.close();
      } catch (error) {
        problem ??= error;
      }
    }
    const failed = status === 'failed' || problem !== undefined;
    // Seekable at once (Duration, Cues), unless a write failed: the disk may be full.
    const recorded = summary();
    const finished = failed
      ? null
      : await finishWebm(fs, files.path, recorded.sha256, (layout) =>
          // Said before the finished copy replaces the file: a crash between that and the
          // signed manifest leaves recovery what it needs to check the chain (recover.ts).
          replaceManifest(fs, files.manifestPath, {
            ...buildManifest(info.base, 'recording', info.startAccount, null),
            finished: layout,
          }),
        );
    const done = finished
      ? { ...recorded, bytes: finished.bytes, sha256: finished.sha256 }
      : recorded;
    // Who joined or left since the start; what was known then if that cannot be had.
    const account = await ctx
      .describeCall(info.base.callId, info.claimed)
      .catch(() => info.startAccount);
    const manifest = await ctx.signer.sign(
      buildManifest(
        info.base,
        failed ? 'failed' : status,
        { ...account, participantsCheck: info.startAccount.participantsCheck },
        {
          endedAt: info.base.startedAt + done.durationMs,
          bytes: done.bytes,
          sha256: done.sha256,
          chain: { entries: chain.entries(), head: chain.head() },
          ...(finished ? { finished: finished.layout } : {}),
          ...(failed ? { error: errorCode(problem) ?? 'unknown' } : {}),
          ...(stopReason ? { consentMissing: stopReason.consentMissing } : {}),
        },
      ),
    );
    try {
      await replaceManifest(fs, files.manifestPath, manifest);
      // The manifest now holds the whole chain: the journal has served its purpose.
      await fs.unlink(files.journalPath).catch(() => undefined);
    } catch (error) {
      // The journal then still says "recording": the next start recovers it.
      problem ??= error;
    }
    const failure = problem === undefined ? (stopReason?.failure ?? null) : failureOf(problem);
    closed = { summary: done, failure };
    ctx.onClosed(id, done, closed.failure);
    return { summary: done, problem };
  }

  /** Ends the recording after a write or sync error and returns the error the advisor sees. */
  async function fail(error: unknown): Promise<BridgeFailure> {
    await finish('failed', error);
    return closed?.failure ?? failureOf(error);
  }

  async function sync(): Promise<void> {
    if (closed || !dirty) return;
    await files.media.datasync();
    await files.journal.datasync();
    dirty = false;
    lastSyncAt = now();
  }

  /** Syncs inline when a second has passed, else makes sure a timer syncs within the second. */
  async function syncSoon(): Promise<void> {
    const elapsed = now() - lastSyncAt;
    if (elapsed >= SYNC_INTERVAL_MS) {
      await sync();
      return;
    }
    if (syncTimer) return;
    const delay = Math.min(SYNC_INTERVAL_MS, Math.max(0, SYNC_INTERVAL_MS - elapsed));
    syncTimer = setTimeout(() => {
      syncTimer = null;
      void enqueue(async () => {
        try {
          await sync();
        } catch (error) {
          // No caller is waiting; the next append reports it.
          await fail(error);
        }
      });
    }, delay);
    // A pending sync must not keep the app from quitting (stopAll syncs anyway).
    syncTimer.unref();
  }

  /** Hashes exactly what reached the file, so a partial write still matches the manifest. */
  function account(written: Uint8Array): ReturnType<Chain['add']> {
    hash.update(written);
    bytes += written.byteLength;
    dirty = true;
    return chain.add(written);
  }

  async function writeChunk(chunk: Uint8Array): Promise<{ bytes: number }> {
    if (closed) throw closed.failure ?? alreadyStopped();
    let offset = 0;
    try {
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await files.media.write(chunk, offset, chunk.byteLength - offset);
        if (bytesWritten <= 0) {
          throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        }
        offset += bytesWritten;
      }
    } catch (error) {
      if (offset > 0) account(chunk.subarray(0, offset));
      throw await fail(error);
    }
    const link = account(chunk);
    try {
      await files.journal.write(journalLine(link));
      await syncSoon();
    } catch (error) {
      throw await fail(error);
    }
    return { bytes };
  }

  return {
    id,
    callId: info.base.callId,
    files,
    append(chunk) {
      if (closed) return Promise.reject(closed.failure ?? alreadyStopped());
      if (stopping) return Promise.reject(stopReason?.failure ?? alreadyStopped());
      return enqueue(() => writeChunk(chunk));
    },
    stop(status, reason) {
      if (!stopping && reason) stopReason = reason;
      stopping ??= enqueue(async () => {
        if (closed) return closed.summary;
        const result = await finish(status);
        if (result.problem !== undefined) throw failureOf(result.problem);
        return result.summary;
      });
      return stopping;
    },
  };
}
