/**
 * A stand-in for the app's main process while it records: the real writer appends a real WebM
 * file in pieces at the pace a MediaRecorder would send them, and reports after each append
 * what has been acknowledged. The kill test SIGKILLs this process mid-recording.
 *   node recording-process.ts <recordings folder> <webm file> <piece bytes> <interval ms>
 */
import { readFileSync } from 'node:fs';
import { createRecordingWriter } from '../writer.ts';

const [folder, source, pieceArg, intervalArg] = process.argv.slice(2);
if (!folder || !source || !pieceArg || !intervalArg) throw new Error('usage: see the header');
const piece = Number(pieceArg);
const intervalMs = Number(intervalArg);
const bytes = readFileSync(source);

const writer = createRecordingWriter({
  folder: () => folder,
  policy: () => 'allowed',
  appVersion: '0.0.0-kill-test',
});
const { recordingId } = await writer.start({
  callId: 'call_kill_test_01',
  participants: [{ id: 'u_avery', displayName: 'Avery' }],
  mimeType: 'video/webm;codecs=vp8,opus',
});
for (let at = 0; at < bytes.length; at += piece) {
  await writer.append(recordingId, new Uint8Array(bytes.subarray(at, at + piece)));
  process.stdout.write(
    `${JSON.stringify({ acked: Math.min(at + piece, bytes.length), t: Date.now() })}\n`,
  );
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
await writer.stop(recordingId);
process.stdout.write('done\n');
