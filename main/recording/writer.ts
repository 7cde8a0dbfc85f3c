/**
 * The local-only recording writer. The renderer's MediaRecorder chunks are appended to a file in
 * the advisor's recordings folder as they arrive (in call order, never buffered whole, synced to
 * disk at least once a second), hashed as they go, and finished with a JSON manifest beside the
 * file. A journal (the same manifest, status "recording") is written at start so a crash can be
 * closed on the next start by `recoverInterrupted`. The renderer only ever holds an opaque id.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type {
  ChannelArgs,
  RecordingPolicy,
  RecordingSummary,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';

/** A crash loses at most this much of the recording. */
const SYNC_INTERVAL_MS = 1_000;
/** Finished recordings `reveal` still knows (one run of the app rarely has more). */
const FINISHED_KEPT = 200;
/** UTF-8 bytes for the participants part of a file name; the whole name stays far below 255. */
const NAMES_MAX_BYTES = 120;
const NAME_MAX_BYTES = 48;
const MAX_NAME_ATTEMPTS = 999;

export type RecordingStart = ChannelArgs<'recording:start'>[0];

/** The file-system calls the writer makes; tests inject failures here. */
export type RecordingFs = Pick<
  typeof fsPromises,
  'mkdir' | 'open' | 'readFile' | 'readdir' | 'rename' | 'stat' | 'unlink'
>;

export interface RecordingWriterDeps {
  /** The current recordings folder (created if missing). */
  folder: () => string;
  policy: () => RecordingPolicy;
  appVersion: string;
  now?: () => number;
  fs?: RecordingFs;
}

const manifestSchema = z.object({
  version: z.literal(1),
  status: z.enum(['recording', 'complete', 'interrupted', 'failed']),
  callId: z.string(),
  participants: z.array(z.object({ id: z.string(), displayName: z.string() })),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  bytes: z.number(),
  sha256: z.string().nullable(),
  mimeType: z.string(),
  appVersion: z.string(),
  file: z.string(),
  /** The system error code that ended a 'failed' recording. */
  error: z.string().optional(),
});
export type RecordingManifest = z.infer<typeof manifestSchema>;

export interface RecordingWriter {
  start(request: RecordingStart): Promise<{ recordingId: string }>;
  append(recordingId: string, bytes: Uint8Array): Promise<{ bytes: number }>;
  stop(recordingId: string): Promise<RecordingSummary>;
  /** The absolute path of a recording of this run, for the OS file manager. */
  reveal(recordingId: string): Promise<string>;
  /** Closes recordings a crash left open (manifest still "recording") in the current folder. */
  recoverInterrupted(): Promise<RecordingManifest[]>;
  activeCount(): number;
  /** Finishes every open recording (on quit). */
  stopAll(): Promise<RecordingSummary[]>;
  /**
   * Closes every open recording as interrupted, with what was written: the renderer that fed
   * them is gone (it crashed), so no more chunks and no stop will come.
   */
  interruptAll(): Promise<RecordingSummary[]>;
}

interface Active {
  id: string;
  folder: string;
  fileName: string;
  path: string;
  manifestPath: string;
  handle: FileHandle;
  hash: Hash;
  bytes: number;
  startedAt: number;
  request: RecordingStart;
  /** The per-recording queue: every write, sync and the close run here, one after another. */
  tail: Promise<unknown>;
  lastSyncAt: number;
  dirty: boolean;
  syncTimer: NodeJS.Timeout | null;
  stopping: Promise<RecordingSummary> | null;
  closed: boolean;
}

interface Finished {
  path: string;
  summary: RecordingSummary;
  /** Why the recording ended early, repeated to later appends. */
  failure: BridgeFailure | null;
}

// ---- names ---------------------------------------------------------------------------------
const RESERVED_WINDOWS = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const codePoint of text) {
    used += Buffer.byteLength(codePoint);
    if (used > maxBytes) break;
    out += codePoint;
  }
  return out;
}

/**
 * Makes text safe as (part of) a file name on Windows, macOS and Linux: no separators or
 * reserved characters, no control or invisible formatting characters (a bidi override could
 * disguise the extension), no leading/trailing dots or spaces, no reserved device name, bounded.
 */
export function safeFileStem(text: string, maxBytes = NAME_MAX_BYTES): string {
  const trim = (value: string): string => value.replace(/^[.\s]+|[.\s]+$/g, '');
  let name = trim(
    text
      .normalize('NFC')
      .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
      .replace(/[<>:"/\\|?*]/g, ' ')
      .replace(/\s+/g, ' '),
  );
  name = trim(truncateUtf8(name, maxBytes));
  return RESERVED_WINDOWS.test(name) ? `${name}_` : name;
}

function extensionFor(mimeType: string): string {
  const type = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.endsWith('/webm')) return '.webm';
  if (type.endsWith('/mp4')) return '.mp4';
  if (type.endsWith('/x-matroska')) return '.mkv';
  return '.bin';
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2026-11-24 10-30 Call with Alice` (local time; no colons, Windows forbids them). */
export function recordingStem(at: number, displayNames: string[]): string {
  const date = new Date(at);
  const when =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}-${pad(date.getMinutes())}`;
  const names = displayNames.map((name) => safeFileStem(name)).filter((name) => name !== '');
  if (names.length === 0) return `${when} Call`;
  const shown = names.slice(0, 3);
  const others = names.length - shown.length;
  const last = others > 0 ? `${others} other${others === 1 ? '' : 's'}` : shown.pop();
  const list = shown.length > 0 ? `${shown.join(', ')} and ${last ?? ''}` : (last ?? '');
  return `${when} Call with ${safeFileStem(list, NAMES_MAX_BYTES)}`;
}

// ---- errors --------------------------------------------------------------------------------
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A system error as the advisor should read it; `kept` names the file when data was written. */
function toFailure(error: unknown, folder: string, kept: string | null): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const code = errorCode(error);
  const keptNote = kept ? ` What was recorded so far is kept in "${kept}".` : '';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BridgeFailure(
      'disk-full',
      kept
        ? `The disk is full, so the recording stopped.${keptNote}`
        : 'The disk is full, so this call cannot be recorded. Free some space, or choose another recordings folder in Settings.',
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new BridgeFailure(
      'not-writable',
      `The recordings folder (${folder}) cannot be written to. Choose another folder in Settings.${keptNote}`,
    );
  }
  const detail = code && /^E[A-Z]+$/.test(code) ? ` (${code})` : '';
  return new BridgeFailure(
    'internal',
    `The recording could not be written${detail}.${keptNote || ' Try again, or choose another recordings folder in Settings.'}`,
  );
}

const noSuchRecording = (): BridgeFailure =>
  new BridgeFailure('no-such-recording', 'That recording is not known to the app.');
const alreadyStopped = (): BridgeFailure =>
  new BridgeFailure('no-such-recording', 'That recording has already stopped.');

// ---- files ---------------------------------------------------------------------------------
/** Writes, syncs and closes; `wx` refuses to replace an existing file. */
async function writeDurably(
  fs: RecordingFs,
  path: string,
  text: string,
  flag: 'w' | 'wx',
): Promise<void> {
  const handle = await fs.open(path, flag);
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Replaces a manifest via a temporary file, so a crash never leaves half a manifest. */
async function replaceManifest(
  fs: RecordingFs,
  path: string,
  manifest: RecordingManifest,
): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    await writeDurably(fs, temporary, `${JSON.stringify(manifest, null, 2)}\n`, 'w');
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.unlink(temporary).catch(() => undefined);
    throw error;
  }
}

async function hashFile(
  fs: RecordingFs,
  path: string,
): Promise<{ bytes: number; sha256: string; mtime: Date }> {
  const handle = await fs.open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read({ buffer, position: bytes });
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { bytes, sha256: hash.digest('hex'), mtime: (await handle.stat()).mtime };
  } finally {
    await handle.close();
  }
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

// ---- the writer ----------------------------------------------------------------------------
export function createRecordingWriter(deps: RecordingWriterDeps): RecordingWriter {
  const fs = deps.fs ?? fsPromises;
  const now = deps.now ?? Date.now;
  const active = new Map<string, Active>();
  const finished = new Map<string, Finished>();

  function enqueue<T>(rec: Active, job: () => Promise<T>): Promise<T> {
    const run = rec.tail.then(job);
    rec.tail = run.catch(() => undefined);
    return run;
  }

  function summaryOf(rec: Active): RecordingSummary {
    return {
      recordingId: rec.id,
      fileName: rec.fileName,
      folder: rec.folder,
      bytes: rec.bytes,
      durationMs: Math.max(0, Math.round(now() - rec.startedAt)),
      sha256: rec.hash.copy().digest('hex'),
    };
  }

  function manifestOf(
    rec: Pick<Active, 'request' | 'startedAt' | 'fileName'>,
    status: RecordingManifest['status'],
    summary: RecordingSummary | null,
    error?: string,
  ): RecordingManifest {
    return {
      version: 1,
      status,
      callId: rec.request.callId,
      participants: rec.request.participants.map(({ id, displayName }) => ({ id, displayName })),
      startedAt: new Date(rec.startedAt).toISOString(),
      endedAt: summary ? new Date(rec.startedAt + summary.durationMs).toISOString() : null,
      durationMs: summary ? summary.durationMs : null,
      bytes: summary ? summary.bytes : 0,
      sha256: summary ? summary.sha256 : null,
      mimeType: rec.request.mimeType,
      appVersion: deps.appVersion,
      file: rec.fileName,
      ...(error === undefined ? {} : { error }),
    };
  }

  function remember(id: string, entry: Finished): void {
    finished.set(id, entry);
    for (const oldest of finished.keys()) {
      if (finished.size <= FINISHED_KEPT) break;
      finished.delete(oldest);
    }
  }

  /**
   * Closes the file with everything written so far and writes the final manifest. Never throws:
   * the first problem is returned, and a 'complete' recording that hit one is recorded as failed.
   */
  async function finish(
    rec: Active,
    status: 'complete' | 'interrupted' | 'failed',
    cause?: unknown,
  ): Promise<{ summary: RecordingSummary; problem: unknown }> {
    rec.closed = true;
    if (rec.syncTimer) clearTimeout(rec.syncTimer);
    rec.syncTimer = null;
    let problem: unknown = cause;
    try {
      await rec.handle.datasync();
    } catch (error) {
      problem ??= error;
    }
    try {
      await rec.handle.close();
    } catch (error) {
      problem ??= error;
    }
    const summary = summaryOf(rec);
    const failed = status === 'failed' || problem !== undefined;
    const manifest = failed
      ? manifestOf(rec, 'failed', summary, errorCode(problem) ?? 'unknown')
      : manifestOf(rec, status, summary);
    try {
      await replaceManifest(fs, rec.manifestPath, manifest);
    } catch (error) {
      // The journal then still says "recording": the next start recovers it as interrupted.
      problem ??= error;
    }
    const failure =
      problem === undefined
        ? null
        : toFailure(problem, rec.folder, rec.bytes > 0 ? rec.fileName : null);
    active.delete(rec.id);
    remember(rec.id, { path: rec.path, summary, failure });
    return { summary, problem };
  }

  /** Ends a recording after a write or sync error and returns the error the advisor sees. */
  async function fail(rec: Active, error: unknown): Promise<BridgeFailure> {
    if (!rec.closed) await finish(rec, 'failed', error);
    return finished.get(rec.id)?.failure ?? toFailure(error, rec.folder, rec.fileName);
  }

  async function sync(rec: Active): Promise<void> {
    if (rec.closed || !rec.dirty) return;
    await rec.handle.datasync();
    rec.dirty = false;
    rec.lastSyncAt = now();
  }

  /** Syncs inline when a second has passed, else makes sure a timer syncs within the second. */
  async function syncSoon(rec: Active): Promise<void> {
    const elapsed = now() - rec.lastSyncAt;
    if (elapsed >= SYNC_INTERVAL_MS) {
      await sync(rec);
      return;
    }
    if (rec.syncTimer) return;
    const delay = Math.min(SYNC_INTERVAL_MS, Math.max(0, SYNC_INTERVAL_MS - elapsed));
    rec.syncTimer = setTimeout(() => {
      rec.syncTimer = null;
      void enqueue(rec, async () => {
        try {
          await sync(rec);
        } catch (error) {
          // No caller is waiting; the next append reports it.
          await fail(rec, error);
        }
      });
    }, delay);
    // A pending sync must not keep the app from quitting (stopAll syncs anyway).
    rec.syncTimer.unref();
  }

  async function writeChunk(rec: Active, bytes: Uint8Array): Promise<{ bytes: number }> {
    if (rec.closed) throw finished.get(rec.id)?.failure ?? alreadyStopped();
    try {
      let offset = 0;
      while (offset < bytes.byteLength) {
        const { bytesWritten } = await rec.handle.write(bytes, offset, bytes.byteLength - offset);
        if (bytesWritten <= 0) {
          throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        }
        // Hash exactly what reached the file, so a partial write still matches the manifest.
        rec.hash.update(bytes.subarray(offset, offset + bytesWritten));
        rec.bytes += bytesWritten;
        rec.dirty = true;
        offset += bytesWritten;
      }
      await syncSoon(rec);
    } catch (error) {
      throw await fail(rec, error);
    }
    return { bytes: rec.bytes };
  }

  /** Creates the media file and its journal under the first free name (never overwrites). */
  async function createFiles(
    folder: string,
    stem: string,
    extension: string,
    journalFor: (fileName: string) => string,
  ): Promise<{ fileName: string; handle: FileHandle }> {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const fileName = `${stem}${attempt === 1 ? '' : ` (${attempt})`}${extension}`;
      const path = join(folder, fileName);
      let handle: FileHandle;
      try {
        handle = await fs.open(path, 'wx');
      } catch (error) {
        if (errorCode(error) === 'EEXIST') continue;
        throw error;
      }
      try {
        await writeDurably(fs, `${path}.json`, journalFor(fileName), 'wx');
        return { fileName, handle };
      } catch (error) {
        // The media file is ours and still empty: removing it loses nothing.
        await handle.close().catch(() => undefined);
        await fs.unlink(path).catch(() => undefined);
        if (errorCode(error) === 'EEXIST') continue;
        throw error;
      }
    }
    throw Object.assign(new Error('no free file name'), { code: 'EEXIST' });
  }

  async function stop(
    recordingId: string,
    status: 'complete' | 'interrupted' = 'complete',
  ): Promise<RecordingSummary> {
    const rec = active.get(recordingId);
    if (!rec) {
      // A second stop (or one after a write error closed it) answers with what was kept.
      const done = finished.get(recordingId);
      if (done) return done.summary;
      throw noSuchRecording();
    }
    rec.stopping ??= enqueue(rec, async () => {
      if (rec.closed) {
        const done = finished.get(rec.id);
        if (done) return done.summary;
      }
      const { summary, problem } = await finish(rec, status);
      if (problem !== undefined) {
        throw toFailure(problem, rec.folder, rec.bytes > 0 ? rec.fileName : null);
      }
      return summary;
    });
    return rec.stopping;
  }

  async function stopEvery(status: 'complete' | 'interrupted'): Promise<RecordingSummary[]> {
    const results = await Promise.allSettled([...active.keys()].map((id) => stop(id, status)));
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  return {
    async start(request) {
      // 'consent-required' is allowed here: the renderer asks the other party first.
      if (deps.policy() === 'disabled') {
        throw new BridgeFailure(
          'recording-disabled',
          'Recording is turned off for this computer by your firm’s policy.',
        );
      }
      const folder = resolve(deps.folder());
      const startedAt = now();
      const id = `rec_${randomBytes(16).toString('base64url')}`;
      let created: { fileName: string; handle: FileHandle };
      try {
        await fs.mkdir(folder, { recursive: true });
        created = await createFiles(
          folder,
          recordingStem(
            startedAt,
            request.participants.map((p) => p.displayName),
          ),
          extensionFor(request.mimeType),
          (fileName) =>
            `${JSON.stringify(manifestOf({ request, startedAt, fileName }, 'recording', null), null, 2)}\n`,
        );
      } catch (error) {
        throw toFailure(error, folder, null);
      }
      const path = join(folder, created.fileName);
      active.set(id, {
        id,
        folder,
        fileName: created.fileName,
        path,
        manifestPath: `${path}.json`,
        handle: created.handle,
        hash: createHash('sha256'),
        bytes: 0,
        startedAt,
        request,
        tail: Promise.resolve(),
        lastSyncAt: startedAt,
        dirty: false,
        syncTimer: null,
        stopping: null,
        closed: false,
      });
      return { recordingId: id };
    },

    async append(recordingId, bytes) {
      const rec = active.get(recordingId);
      if (!rec) {
        const done = finished.get(recordingId);
        if (done) throw done.failure ?? alreadyStopped();
        throw noSuchRecording();
      }
      if (rec.stopping) throw alreadyStopped();
      return enqueue(rec, () => writeChunk(rec, bytes));
    },

    stop: (recordingId) => stop(recordingId),

    async reveal(recordingId) {
      const path = finished.get(recordingId)?.path ?? active.get(recordingId)?.path;
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

    async recoverInterrupted() {
      const folder = resolve(deps.folder());
      let names: string[];
      try {
        names = await fs.readdir(folder);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw error;
      }
      const open = new Set([...active.values()].map((rec) => rec.manifestPath));
      const recovered: RecordingManifest[] = [];
      for (const name of names) {
        const manifestPath = join(folder, name);
        if (!name.endsWith('.json') || open.has(manifestPath)) continue;
        try {
          const journal = manifestSchema.parse(JSON.parse(await fs.readFile(manifestPath, 'utf8')));
          // The manifest must sit beside its own file: a planted one cannot point elsewhere.
          if (journal.status !== 'recording' || `${journal.file}.json` !== name) continue;
          const media = await hashFile(fs, join(folder, journal.file)).catch((error: unknown) => {
            if (errorCode(error) === 'ENOENT') return null;
            throw error;
          });
          const startedMs = Date.parse(journal.startedAt);
          const endedMs = media ? media.mtime.getTime() : startedMs;
          const manifest: RecordingManifest = {
            ...journal,
            status: 'interrupted',
            endedAt: new Date(Number.isFinite(endedMs) ? endedMs : 0).toISOString(),
            durationMs: Number.isFinite(startedMs)
              ? Math.max(0, Math.round(endedMs - startedMs))
              : 0,
            bytes: media ? media.bytes : 0,
            sha256: media ? media.sha256 : EMPTY_SHA256,
            ...(media ? {} : { error: 'ENOENT' }),
          };
          await replaceManifest(fs, manifestPath, manifest);
          recovered.push(manifest);
        } catch {
          // Not one of ours, unreadable, or not writable now: leave it, the next start retries.
          continue;
        }
      }
      return recovered;
    },

    activeCount: () => active.size,

    stopAll: () => stopEvery('complete'),
    interruptAll: () => stopEvery('interrupted'),
  };
}
