/**
 * `recordings:export`: Export for archive beside a saved recording. The renderer names the
 * recording by its opaque id only; main asks where with the OS folder picker (never a path from
 * the page), waits for the server's receipts to land in the manifest, and writes the package.
 */
import { isAbsolute } from 'node:path';
import type { Router } from '../ipc/router.ts';
import type { RecordingReceipts } from '../recording/receipts.ts';
import type { RecordingWriter } from '../recording/writer.ts';
import { policyAddresses, type ArchivePolicy } from './archive-addresses.ts';
import { exportRecording } from './export-package.ts';

/** The picker's title: it says what the folder is for. */
export const EXPORT_FOLDER_TITLE = 'Choose where to save the archive package';

export interface ArchiveChannelDeps {
  writer: Pick<RecordingWriter, 'locate'>;
  receipts?: Pick<RecordingReceipts, 'settled'>;
  /** The OS folder picker (Electron's dialog in the app) with its title; null when cancelled. */
  chooseFolder: (current: string, title: string) => Promise<string | null>;
  /** Where the picker opens. */
  defaultFolder: () => string;
  /** IT's policy: the journal address and the From domain (archive-addresses.ts). */
  policy?: () => ArchivePolicy;
  /** Who is signed in: the advisor's From names them by username. */
  signedInUser?: () => { id: string; username: string } | null;
}

export function registerArchive(router: Router, deps: ArchiveChannelDeps): void {
  router.handle('recordings:export', async (recordingId) => {
    const path = deps.writer.locate(recordingId);
    const into = await deps.chooseFolder(deps.defaultFolder(), EXPORT_FOLDER_TITLE);
    if (into === null || !isAbsolute(into)) return null;
    await deps.receipts?.settled(recordingId);
    const addresses = policyAddresses(deps.policy?.() ?? {}, deps.signedInUser?.() ?? null);
    const exported = await exportRecording(path, into, addresses);
    return { folder: exported.folder, files: exported.files };
  });
}
