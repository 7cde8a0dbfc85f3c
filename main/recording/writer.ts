/**
 * The local-only recording writer. The renderer's MediaRecorder chunks are appended to a file in
 * the advisor's recordings folder as they arrive (active-recording.ts), with a manifest beside it
 * (manifest.ts) that main fills from what it saw of the call (call-witness.ts), chains over the
 * chunks (hash-chain.ts) and signs (signing-key.ts). A journal written at start lets the next
 * start close a recording a crash left open (recover.ts). The renderer only holds an opaque id.
 * Under IT's consent-required, main itself checks that everyone agreed (consent-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import { resolve } from 'node:path';
import type {
  ChannelArgs,
  RecordingPolicy,
  RecordingSummary,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import {
  openActiveRecording,
  type ActiveRecording,
  type OpenFiles,
  type RecordingContext,
} from './active-recording.ts';
import type { DescribeCall } from './call-account.ts';
import { consentRefusal, joinerStop, type ConsentGuard } from './consent-guard.ts';
import { createRecordingFiles, discardRecordingFiles } from './create-files.ts';
import { alreadyStopped, noSuchRecording, toFailure } from './failures.ts';
import { FOLDER_MODE, manifestText, type RecordingFs } from './files.ts';
import type { RecordingsFolderStatus } from './folder-status.ts';
import { buildManifest, type ManifestBase, type RecordingManifest } from './manifest.ts';
import { extensionFor, recordingStem } from './names.ts';
import type { RecordingReceipts } from './receipts.ts';
import { recoverFolder } from './recover.ts';
import type { RecordingSigner } from './signing-key.ts';

export { safeFileStem } from './names.ts';
export type { RecordingFs } from './files.ts';
export type { RecordingManifest } from './manifest.ts';

/** Finished recordings `reveal` and `locate` still know (one run of the app rarely has more). */
const FINISHED_KEPT = 200;

export type RecordingStart = ChannelArgs<'recording:start'>[0];

export interface RecordingWriterDeps {
  /** The current recordings folder (created if missing). */
  folder: () => string;
  policy: () => RecordingPolicy;
  appVersion: string;
  /** Signs each closed manifest with this install's key (or marks it unsigned, saying why). */
  signer: RecordingSigner;
  /** The call as main saw it: the manifest's participants and consent come from here. */
  describeCall: DescribeCall;
  /** Under IT's consent-required: who agreed, from the same witness (consent-guard.ts). */
  consent: ConsentGuard;
  /** A cloud-synced folder: a warning, or a refusal when IT's policy forbids it. */
  folderStatus?: (folder: string) => RecordingsFolderStatus;
  /** The server's receipts, asked for in the background (none in tests that need no server). */
  receipts?: Pick<RecordingReceipts, 'started' | 'closed'>;
  now?: () => number;
  fs?: RecordingFs;
}

export interface RecordingWriter {
  start(request: RecordingStart): Promise<{ recordingId: string }>;
  append(recordingId: string, bytes: Uint8Array): Promise<{ bytes: number }>;
  stop(recordingId: string): Promise<RecordingSummary>;
  /** The absolute path of a recording of this run, for the OS file manager. */
  reveal(recordingId: string): Promise<string>;
  /** The absolute path of a finished recording of this run, for the verifier. */
  locate(recordingId: string): string;
  /** Closes recordings a crash left open (manifest still "recording") as recovered. */
  recoverInterrupted(): Promise<RecordingManifest[]>;
  activeCount(): number;
  /** Finishes every open recording (on quit). */
  stopAll(): Promise<RecordingSummary[]>;
  /**
   * Closes every open recording as interrupted, with what was written: the page that fed them is
   * gone (it crashed, reloaded or navigated), so no more chunks and no stop will come.
   */
  interruptAll(): Promise<RecordingSummary[]>;
}

interface Finished {
  path: string;
  summary: RecordingSummary;
  /** Why the recording ended early, repeated to later appends. */
  failure: BridgeFailure | null;
}

export function createRecordingWriter(deps: RecordingWriterDeps): RecordingWriter {
  const fs = deps.fs ?? fsPromises;
  const now = deps.now ?? Date.now;
  const active = new Map<string, ActiveRecording>();
  const finished = new Map<string, Finished>();
  /** Recordings started under consent-required: where the answers they started on begin. */
  const consentSince = new Map<string, number>();

  const context: RecordingContext = {
    fs,
    now,
    signer: deps.signer,
    describeCall: deps.describeCall,
    onClosed(id, summary, failure) {
      const rec = active.get(id);
      active.delete(id);
      consentSince.delete(id);
      finished.set(id, { path: rec?.files.path ?? '', summary, failure });
      if (rec) deps.receipts?.closed(id, rec.files.manifestPath);
      for (const oldest of finished.keys()) {
        if (finished.size <= FINISHED_KEPT) break;
        finished.delete(oldest);
      }
    },
  };

  async function stop(
    recordingId: string,
    status: 'complete' | 'interrupted' = 'complete',
  ): Promise<RecordingSummary> {
    const rec = active.get(recordingId);
    if (rec) return rec.stop(status);
    // A second stop (or one after a write error closed it) answers with what was kept.
    const done = finished.get(recordingId);
    if (done) return done.summary;
    throw noSuchRecording();
  }

  async function stopEvery(status: 'complete' | 'interrupted'): Promise<RecordingSummary[]> {
    const results = await Promise.allSettled([...active.keys()].map((id) => stop(id, status)));
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  // Someone came into a call being recorded under consent-required without having agreed to it:
  // that recording ends now, before their media can reach it.
  deps.consent.onJoined((callId, personId) => {
    for (const [id, since] of consentSince) {
      const rec = active.get(id);
      if (rec?.callId !== callId) continue;
      const joiner = deps.consent.missing(callId, since)?.filter((p) => p.id === personId) ?? [];
      if (joiner.length === 0) continue;
      const reason = { failure: joinerStop(joiner), consentMissing: [personId] };
      // Never awaited: the next append or stop of the renderer hears the outcome.
      rec.stop('interrupted', reason).catch(() => undefined);
    }
  });

  return {
    async start(request) {
      const policy = deps.policy();
      if (policy === 'disabled') {
        throw new BridgeFailure(
          'recording-disabled',
          'Recording is turned off for this computer by your firm’s policy.',
        );
      }
      const folder = resolve(deps.folder());
      const synced = deps.folderStatus?.(folder);
      if (synced?.refused) throw new BridgeFailure('cloud-synced-folder', synced.message ?? '');
      // Main's own account of who agreed, never the renderer's: nothing is created without it.
      const guarded = policy === 'consent-required';
      const refusal = () => (guarded ? consentRefusal(deps.consent, request.callId) : null);
      const early = refusal();
      if (early) throw early;
      const startedAt = now();
      const id = `rec_${randomBytes(16).toString('base64url')}`;
      const claimed = request.participants.map(({ id: userId, displayName }) => ({
        id: userId,
        displayName,
      }));
      const startAccount = await deps.describeCall(request.callId, claimed);
      const names = startAccount.participants
        .filter((p) => p.leftAt === null)
        .flatMap((p) => (p.displayName === null ? [] : [p.displayName]));
      const base: ManifestBase = {
        callId: request.callId,
        recordingId: id,
        file: '',
        mimeType: request.mimeType,
        appVersion: deps.appVersion,
        startedAt,
      };
      let files: OpenFiles;
      try {
        await fs.mkdir(folder, { recursive: true, mode: FOLDER_MODE });
        files = await createRecordingFiles(
          fs,
          folder,
          recordingStem(startedAt, names),
          extensionFor(request.mimeType),
          (file) => manifestText(buildManifest({ ...base, file }, 'recording', startAccount, null)),
        );
      } catch (error) {
        throw toFailure(error, folder, null);
      }
      // Again, with nothing awaited from here on: someone may have joined meanwhile, or another
      // start used the same answers.
      const late = refusal();
      if (late) {
        await discardRecordingFiles(fs, files);
        throw late;
      }
      const info = { base: { ...base, file: files.fileName }, claimed, startAccount };
      active.set(id, openActiveRecording(id, files, info, context));
      if (guarded) {
        consentSince.set(id, deps.consent.since(request.callId));
        deps.consent.use(request.callId);
      }
      // Never awaited: the recording runs whether or not the server answers.
      deps.receipts?.started(id, request.callId);
      return { recordingId: id };
    },

    async append(recordingId, bytes) {
      const rec = active.get(recordingId);
      if (rec) return rec.append(bytes);
      const done = finished.get(recordingId);
      if (done) throw done.failure ?? alreadyStopped();
      throw noSuchRecording();
    },

    stop: (recordingId) => stop(recordingId),

    async reveal(recordingId) {
      const path = finished.get(recordingId)?.path ?? active.get(recordingId)?.files.path;
      if (!path) throw noSuchRecording();
      try {
        await fs.stat(path);
      } catch {
        throw new BridgeFailure(
          'no-such-recording',
          'That recording is no longer in the recordings folder.',
        );
      }
      return path;
    },

    locate(recordingId) {
      if (active.has(recordingId)) {
        throw new BridgeFailure(
          'no-such-recording',
          'That recording is still being made: it can be verified once it has stopped.',
        );
      }
      const path = finished.get(recordingId)?.path;
      if (!path) throw noSuchRecording();
      return path;
    },

    recoverInterrupted: () =>
      recoverFolder({
        fs,
        folder: resolve(deps.folder()),
        signer: deps.signer,
        // Recordings still open in this run are not a crash's leftovers.
        open: new Set([...active.values()].map((rec) => rec.files.manifestPath)),
      }),

    activeCount: () => active.size,

    stopAll: () => stopEvery('complete'),
    interruptAll: () => stopEvery('interrupted'),
  };
}
