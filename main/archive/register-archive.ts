/**
 * `recordings:export`: Export for archive beside a saved recording. The renderer names the
 * recording by its opaque id only; main asks where with the OS folder picker (never a path from
 * the page), waits for the server's receipts to land in the manifest, and writes the package.
 */
import { isAbsolute } from 'node:path';
import type { Router } from '../ipc/router.ts';
import type { RecordingReceipts } from '../recording/receipts.ts';
import type { RecordingWriter } from '../recording/writer.ts';
import { exportRecording } from './export-package.ts';

export interface ArchiveChannelDeps {
  writer: Pick<RecordingWriter, 'locate'>;
  receipts?: Pick<RecordingReceipts, 'settled'>;
  /** The OS folder picker (Electron's dialog in the app); null when cancelled. */
  chooseFolder: (current: string) => Promise<string | null>;
  /** Where the picker opens. */
  defaultFolder: () => string;
}

export function registerArchive(router: Router, deps: ArchiveChannelDeps): void {
  router.handle('recordings:export', async (recordingId) => {
    const path = deps.writer.locate(recordingId);
    const into = await deps.chooseFolder(deps.defaultFolder());
    if (into === null || !isAbsolute(into)) return null;
    await deps.receipts?.settled(recordingId);
    const exported = await exportRecording(path, into);
    return { folder: exported.folder, files: exported.files };
  });
}
