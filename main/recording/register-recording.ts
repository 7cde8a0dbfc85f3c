/**
 * The recording channels. The router has already checked the sender and parsed the arguments;
 * the renderer names recordings only by the opaque id `recording:start` handed out.
 */
import type { Router } from '../ipc/router.ts';
import type { RecordingWriter } from './writer.ts';

export interface RecordingChannelDeps {
  writer: RecordingWriter;
  /** Shows a file in the OS file manager (Electron's shell.showItemInFolder). */
  revealFile: (path: string) => void;
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
}
