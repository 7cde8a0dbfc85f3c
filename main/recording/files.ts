/**
 * The file-system side of recording: owner-only modes, durable writes, and manifests replaced
 * through a temporary file so a crash never leaves half of one.
 */
import type * as fsPromises from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RecordingManifest } from './manifest.ts';

/** The file-system calls recording makes; tests inject failures here. */
export type RecordingFs = Pick<
  typeof fsPromises,
  'mkdir' | 'open' | 'readFile' | 'readdir' | 'rename' | 'stat' | 'unlink'
>;

/** Recordings are the advisor's alone: files 0600, the folder 0700 (POSIX; Windows ignores these). */
export const FILE_MODE = 0o600;
export const FOLDER_MODE = 0o700;

/** Writes, syncs and closes; `wx` refuses to replace an existing file. */
export async function writeDurably(
  fs: RecordingFs,
  path: string,
  text: string,
  flag: 'w' | 'wx',
): Promise<void> {
  const handle = await fs.open(path, flag, FILE_MODE);
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export const manifestText = (manifest: RecordingManifest): string =>
  `${JSON.stringify(manifest, null, 2)}\n`;

/** Replaces a manifest via a temporary file, so a crash never leaves half a manifest. */
export async function replaceManifest(
  fs: RecordingFs,
  path: string,
  manifest: RecordingManifest,
): Promise<void> {
  const temporary = `${path}.tmp`;
  // A leftover temporary file would keep its own mode through the rename.
  await fs.unlink(temporary).catch(() => undefined);
  try {
    await writeDurably(fs, temporary, manifestText(manifest), 'w');
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** The finished copy being written at stop (webm-finish.ts): hidden, beside the file. */
export const finishingPathOf = (mediaPath: string): string =>
  join(dirname(mediaPath), `.${basename(mediaPath)}.finishing`);
/** The chain journal beside a media file (see journal.ts). */
export const journalPathOf = (mediaPath: string): string => `${mediaPath}.chain`;
export const manifestPathOf = (mediaPath: string): string => `${mediaPath}.json`;
