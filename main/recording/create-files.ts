/**
 * A new recording's files under the first free name: the media file, its manifest written at
 * once with status "recording" (what a crash leaves for recovery), and its chain journal.
 */
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenFiles } from './active-recording.ts';
import { errorCode } from './failures.ts';
import {
  FILE_MODE,
  journalPathOf,
  manifestPathOf,
  writeDurably,
  type RecordingFs,
} from './files.ts';

const MAX_NAME_ATTEMPTS = 999;

export async function createRecordingFiles(
  fs: RecordingFs,
  folder: string,
  stem: string,
  extension: string,
  journalFor: (fileName: string) => string,
): Promise<OpenFiles> {
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const fileName = `${stem}${attempt === 1 ? '' : ` (${attempt})`}${extension}`;
    const path = join(folder, fileName);
    let media: FileHandle;
    try {
      media = await fs.open(path, 'wx', FILE_MODE);
    } catch (error) {
      if (errorCode(error) === 'EEXIST') continue;
      throw error;
    }
    const made: string[] = [path];
    try {
      await writeDurably(fs, manifestPathOf(path), journalFor(fileName), 'wx');
      made.push(manifestPathOf(path));
      const journal = await fs.open(journalPathOf(path), 'wx', FILE_MODE);
      return {
        folder,
        fileName,
        path,
        manifestPath: manifestPathOf(path),
        journalPath: journalPathOf(path),
        media,
        journal,
      };
    } catch (error) {
      // These files are ours and still empty: removing them loses nothing.
      await media.close().catch(() => undefined);
      for (const file of made) await fs.unlink(file).catch(() => undefined);
      if (errorCode(error) === 'EEXIST') continue;
      throw error;
    }
  }
  throw Object.assign(new Error('no free file name'), { code: 'EEXIST' });
}

/** Closes and removes a new recording's files before anything was written to them. */
export async function discardRecordingFiles(fs: RecordingFs, files: OpenFiles): Promise<void> {
  for (const handle of [files.media, files.journal]) await handle.close().catch(() => undefined);
  for (const path of [files.path, files.manifestPath, files.journalPath]) {
    await fs.unlink(path).catch(() => undefined);
  }
}
