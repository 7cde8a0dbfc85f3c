/**
 * One pass over a media file: the whole file's SHA-256 and, for the chunk lengths given, the
 * SHA-256 of every chunk the file holds whole. Shared by crash recovery and the verifier.
 */
import { createHash, type Hash } from 'node:crypto';
import type { RecordingFs } from './files.ts';

const READ_BYTES = 4 << 20;

export interface MediaScan {
  size: number;
  sha256: string;
  /** SHA-256 (hex) of each chunk found whole, in order: fewer than asked when the file is short. */
  chunkHashes: string[];
  mtime: Date;
}

/**
 * A finished file (webm-finish.ts): its chunks are checked against `prefix` (the recorded head,
 * from the manifest) followed by the file's bytes from `skip` on (after the new head).
 */
export interface ScanLayout {
  prefix: Uint8Array;
  skip: number;
}

export async function scanMedia(
  fs: RecordingFs,
  path: string,
  lengths: readonly number[],
  layout: ScanLayout = { prefix: new Uint8Array(), skip: 0 },
): Promise<MediaScan> {
  const handle = await fs.open(path, 'r');
  try {
    const whole = createHash('sha256');
    const chunkHashes: string[] = [];
    let chunk: Hash = createHash('sha256');
    let left = lengths[0] ?? Infinity;
    // Zero-length chunks are whole before any byte is read.
    const closeEmpty = () => {
      while (left === 0 && chunkHashes.length < lengths.length) {
        chunkHashes.push(chunk.digest('hex'));
        chunk = createHash('sha256');
        left = lengths[chunkHashes.length] ?? Infinity;
      }
    };
    closeEmpty();
    const chunkBytes = (piece: Uint8Array) => {
      let at = 0;
      while (at < piece.length && chunkHashes.length < lengths.length) {
        const take = Math.min(left, piece.length - at);
        chunk.update(piece.subarray(at, at + take));
        at += take;
        left -= take;
        closeEmpty();
      }
    };
    chunkBytes(layout.prefix);
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read({ buffer, position: size });
      if (bytesRead === 0) break;
      const piece = buffer.subarray(0, bytesRead);
      whole.update(piece);
      chunkBytes(piece.subarray(Math.max(0, Math.min(bytesRead, layout.skip - size))));
      size += bytesRead;
    }
    return { size, sha256: whole.digest('hex'), chunkHashes, mtime: (await handle.stat()).mtime };
  } finally {
    await handle.close();
  }
}
