/**
 * Finishing a recording at stop, so that players can seek in it without a remux. Chromium's
 * MediaRecorder writes a WebM with no Duration and no Cues; here a new head (webm-head.ts: a
 * Segment of known size, SeekHead, Info with the Duration, Tracks, and Cues pointing at the
 * Clusters that start on a video keyframe) is written, and every byte from the first Cluster on
 * is copied after it exactly as recorded, by streaming. The copy is written beside the file,
 * synced, and renamed over it; the recorded head it replaced goes into the manifest, so the hash
 * chain over the chunks as they were written can still be checked against the finished file
 * (verify-media.ts).
 *
 * The EBML is read and written with ts-ebml (3.x, maintained, TypeScript, made for exactly this
 * MediaRecorder file): its decoder gives every element with its offset, piece by piece, and its
 * element encoder writes the head. mediabunny, the other maintained choice, re-muxes every
 * Cluster: the recorded bytes would no longer be in the file, and the chain could only vouch for
 * a file that is gone.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Decoder } from 'ts-ebml';
import { FILE_MODE, finishingPathOf, type RecordingFs } from './files.ts';
import { seekableHead } from './webm-head.ts';
import { indexWebm, type WebmIndex } from './webm-index.ts';

const COPY_BYTES = 4 << 20;

/** How the finished file relates to the recorded bytes: the manifest keeps it. */
export interface FinishedLayout {
  /** Bytes of the new head at the start of the file; the recorded bytes follow it. */
  headBytes: number;
  /** The recorded bytes before the first Cluster (base64), which the new head replaced. */
  recordedHead: string;
}

export interface PreparedFinish {
  layout: FinishedLayout;
  /** Size and SHA-256 of the finished file. */
  bytes: number;
  sha256: string;
  durationMs: number;
  cuePoints: number;
  /** Puts the finished file in place of the recorded one (a rename: all or nothing). */
  commit(): Promise<void>;
  /** Removes the finished copy; the recorded file stays as it is. */
  discard(): Promise<void>;
}

/** Reads the new head back: every cue must point at its Cluster where the copy puts it. */
function cuesLandOnClusters(head: Buffer, index: WebmIndex): boolean {
  const elements = new Decoder().decode(new Uint8Array(head).buffer);
  const segmentData = elements.find((e) => e.name === 'Segment')?.dataStart ?? -1;
  const positions = elements.flatMap((e) =>
    e.name === 'CueClusterPosition' && e.type === 'u' ? [e.value] : [],
  );
  return (
    segmentData > 0 &&
    positions.length === index.cues.length &&
    positions.every(
      (at, i) =>
        segmentData + at ===
        head.length + (index.cues[i]?.CueClusterPosition ?? 0) - index.clustersAt,
    )
  );
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten <= 0)
      throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

/**
 * Writes the finished copy of the recording at `path` beside it, or answers null when the file is
 * not a WebM this can finish (it then stays as recorded). `recordedSha256` is what the writer
 * hashed as it wrote: the copy is made only if the file on disk still holds exactly that.
 */
export async function prepareFinishedWebm(
  fs: RecordingFs,
  path: string,
  recordedSha256: string,
): Promise<PreparedFinish | null> {
  const index = await indexWebm(fs, path);
  if (!index) return null;
  const temporary = finishingPathOf(path);
  const discard = () => fs.unlink(temporary).catch(() => undefined);
  const source = await fs.open(path, 'r');
  try {
    const { size } = await source.stat();
    const recordedHead = Buffer.alloc(index.clustersAt);
    await source.read(recordedHead, 0, index.clustersAt, 0);
    const head = seekableHead(recordedHead, index, size - index.clustersAt);
    if (!head || !cuesLandOnClusters(head, index)) return null;
    // A copy a crash left half-written is of no use.
    await discard();
    const finished = createHash('sha256').update(head);
    const recorded = createHash('sha256').update(recordedHead);
    let bytes = head.length;
    const target = await fs.open(temporary, 'wx', FILE_MODE);
    try {
      await writeAll(target, head);
      const piece = Buffer.allocUnsafe(COPY_BYTES);
      for (let at = index.clustersAt; ;) {
        const { bytesRead } = await source.read(piece, 0, COPY_BYTES, at);
        if (bytesRead === 0) break;
        const data = piece.subarray(0, bytesRead);
        await writeAll(target, data);
        finished.update(data);
        recorded.update(data);
        at += bytesRead;
        bytes += bytesRead;
      }
      await target.datasync();
      if (recorded.digest('hex') !== recordedSha256) {
        // Changed on disk since it was written: keep it as it is, the verifier will say so.
        await target.close();
        await discard();
        return null;
      }
      const layout = { headBytes: head.length, recordedHead: recordedHead.toString('base64') };
      await target.close();
      return {
        layout,
        bytes,
        sha256: finished.digest('hex'),
        durationMs: Math.round((index.duration * index.timestampScale) / 1e6),
        cuePoints: index.cues.length,
        commit: () => fs.rename(temporary, path),
        discard,
      };
    } catch (error) {
      await target.close().catch(() => undefined);
      await discard();
      throw error;
    }
  } finally {
    await source.close();
  }
}

/**
 * Finishes the recording at `path` in place, or leaves it exactly as recorded (null) when it
 * cannot be finished or anything fails on the way: a recording is never lost to finishing.
 * `beforeCommit` runs once the finished copy is ready, just before it replaces the file; if it
 * fails, the file stays as recorded.
 */
export async function finishWebm(
  fs: RecordingFs,
  path: string,
  recordedSha256: string,
  beforeCommit?: (layout: FinishedLayout) => Promise<void>,
): Promise<PreparedFinish | null> {
  let prepared: PreparedFinish | null = null;
  try {
    prepared = await prepareFinishedWebm(fs, path, recordedSha256);
    if (prepared && beforeCommit) await beforeCommit(prepared.layout);
    await prepared?.commit();
    return prepared;
  } catch {
    await prepared?.discard();
    return null;
  }
}
