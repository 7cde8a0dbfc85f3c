/**
 * Whether a media file is what its manifest describes: every chunk against the chain, the whole
 * file against its SHA-256, the size against the byte count. Each failure in a plain sentence.
 */
import { basename } from 'node:path';
import { errorCode } from './failures.ts';
import type { RecordingFs } from './files.ts';
import { count, wasWere } from './words.ts';
import { chainHead } from './hash-chain.ts';
import type { RecordingManifest } from './manifest.ts';
import { scanMedia, type MediaScan, type ScanLayout } from './media-scan.ts';

export type MediaCheck =
  { ok: true } | { ok: false; verdict: 'altered' | 'truncated'; reason: string };

const n = (value: number): string => value.toLocaleString('en-US');
const altered = (reason: string): MediaCheck => ({ ok: false, verdict: 'altered', reason });

/** Reads the file; null when it is not there. */
export async function scanOrNull(
  fs: RecordingFs,
  path: string,
  lengths: readonly number[],
  layout?: ScanLayout,
): Promise<MediaScan | null> {
  try {
    return await scanMedia(fs, path, lengths, layout);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

export async function checkMedia(
  fs: RecordingFs,
  mediaPath: string,
  manifest: RecordingManifest,
): Promise<MediaCheck> {
  const { chain, bytes } = manifest;
  const chunks = chain.chunks;
  if (chain.count !== chunks.length || chainHead(chunks) !== chain.head) {
    return altered(
      'The manifest’s hash chain is not consistent: its chunks do not lead to its head.',
    );
  }
  const chained = chunks.reduce((sum, [length]) => sum + length, 0);
  // A finished file: the chunks as written are its recorded head (kept in the manifest), then
  // its bytes after the head written at stop.
  const { finished } = manifest;
  const recordedHead = Buffer.from(finished?.recordedHead ?? '', 'base64');
  const recordedBytes = finished ? bytes - finished.headBytes + recordedHead.length : bytes;
  if (chained + (manifest.recovery?.unchainedBytes ?? 0) !== recordedBytes) {
    return altered('The manifest’s chunk sizes do not add up to its byte count.');
  }
  const scan = await scanOrNull(
    fs,
    mediaPath,
    chunks.map(([length]) => length),
    finished && { prefix: recordedHead, skip: finished.headBytes },
  );
  if (!scan) {
    return {
      ok: false,
      verdict: 'truncated',
      reason: `The recording file "${basename(mediaPath)}" is missing: none of the ${count(bytes, 'byte')} recorded is there.`,
    };
  }
  const fileHashNote =
    scan.sha256 === manifest.sha256
      ? ''
      : ', and the file’s SHA-256 does not match the manifest either';
  let offset = 0;
  for (const [index, found] of scan.chunkHashes.entries()) {
    const [length, expected] = chunks[index] ?? [0, ''];
    if (found !== expected) {
      return altered(
        `Chunk ${n(index + 1)} of ${n(chunks.length)} (bytes ${n(offset)}–${n(offset + length - 1)}) is not what was recorded: it breaks the hash chain${fileHashNote}.`,
      );
    }
    offset += length;
  }
  if (scan.size < bytes) {
    return {
      ok: false,
      verdict: 'truncated',
      reason: `The file ends ${count(bytes - scan.size, 'byte')} short of the ${count(bytes, 'byte')} recorded: the first ${n(scan.chunkHashes.length)} of ${count(chunks.length, 'chunk')} are intact and the rest is missing.`,
    };
  }
  if (scan.size > bytes) {
    const added = scan.size - bytes;
    return altered(
      `${count(added, 'byte')} ${wasWere(added)} added after the end of the recording.`,
    );
  }
  if (scan.sha256 !== manifest.sha256) {
    if (finished) {
      return altered(
        'The file’s SHA-256 does not match the manifest, though every recorded chunk is intact: the header written when the recording stopped (its duration and seek index) was changed.',
      );
    }
    return altered(
      chained === bytes
        ? 'The file’s SHA-256 does not match the manifest, though every chunk matches the chain: the manifest is inconsistent.'
        : 'The file’s SHA-256 does not match the manifest: the bytes after the last whole chunk were changed.',
    );
  }
  return { ok: true };
}
