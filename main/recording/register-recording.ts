/**
 * The recording channels. The router has already checked the sender and parsed the arguments;
 * the renderer names recordings only by the opaque id `recording:start` handed out.
 */
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { Router } from '../ipc/router.ts';
import type { RecordingsFolderStatus } from './folder-status.ts';
import type { RecordingReceipts } from './receipts.ts';
import type { RecordingSigner } from './signing-key.ts';
import { verifyRecording, type ServerReceiptCheck } from './verify.ts';
import type { RecordingWriter } from './writer.ts';

export interface RecordingChannelDeps {
  writer: RecordingWriter;
  /** Shows a file in the OS file manager (Electron's shell.showItemInFolder). */
  revealFile: (path: string) => void;
  /** This install's key: the one a recording of this computer must be signed with. */
  signer: Pick<RecordingSigner, 'keyId'>;
  /** The current recordings folder as the Settings screen describes it. */
  folderStatus: () => RecordingsFolderStatus;
  /** The server's receipts: Verify waits for a recording's to land, then checks them. */
  receipts?: Pick<RecordingReceipts, 'settled'>;
  serverCheck?: ServerReceiptCheck;
}

export function registerRecording(router: Router, deps: RecordingChannelDeps): void {
  const { writer, revealFile } = deps;
  router.handle('recording:start', (request) => writer.start(request));
  router.handle('recording:append', (recordingId, bytes) => writer.append(recordingId, bytes));
  router.handle('recording:stop', (recordingId) => writer.stop(recordingId));
  router.handle('recording:reveal', async (recordingId) => {
    revealFile(await writer.reveal(recordingId));
    return null;
  });
  router.handle('recordings:verify', async (recordingId) => {
    const path = writer.locate(recordingId);
    const keyId = await deps.signer.keyId();
    await deps.receipts?.settled(recordingId);
    try {
      return await verifyRecording(path, {
        ...(keyId ? { trustedKeys: { ids: [keyId], label: 'this computer’s recording key' } } : {}),
        ...(deps.serverCheck ? { checkServerReceipt: deps.serverCheck } : {}),
      });
    } catch {
      throw new BridgeFailure('internal', 'That recording could not be read to verify it.');
    }
  });
  router.handle('recordings:folder-status', () => deps.folderStatus());
}
