/**
 * A stand-in for the app's main process while it records: the real writer appends a real WebM
 * file in pieces at the pace a MediaRecorder would send them, and reports after each append
 * what has been acknowledged. The kill test SIGKILLs this process mid-recording; with a crash
 * point it kills itself at that point of stop instead (finish-crash.test.ts).
 *   node recording-process.ts <recordings folder> <webm file> <piece bytes> <interval ms> <key service>
 *                             [before-finishing-rename | after-finishing-rename]
 */
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import keytar from 'keytar';
import { describeCallWith } from '../call-account.ts';
import { createCallWitness } from '../call-witness.ts';
import { createConsentGuard } from '../consent-guard.ts';
import type { RecordingFs } from '../files.ts';
import { createRecordingSigner } from '../signing-key.ts';
import { createRecordingWriter } from '../writer.ts';

const [folder, source, pieceArg, intervalArg, service, crashAt] = process.argv.slice(2);
if (!folder || !source || !pieceArg || !intervalArg || !service) {
  throw new Error('usage: see the header');
}
const piece = Number(pieceArg);
const intervalMs = Number(intervalArg);
const bytes = readFileSync(source);

const me = { id: 'u_avery', displayName: 'Avery' };
const witness = createCallWitness({ me: () => me });
const callId = 'call_kill_test_01';
// The call as main relays it: Blake rang, Avery answered.
witness.received({
  event: 'call-offer',
  payload: { from: 'u_blake', callId, fromName: 'Blake', offer: { type: 'offer', sdp: 'v=0' } },
});
witness.sent(
  {
    event: 'call-answer',
    payload: { to: 'u_blake', callId, answer: { type: 'answer', sdp: 'v=0' } },
  },
  { ok: true },
);

/** The real file system; SIGKILL just before or after the finished copy replaces the file. */
const fs: RecordingFs = {
  ...fsp,
  async rename(from, to) {
    const finishing = String(from).endsWith('.finishing');
    if (finishing && crashAt === 'before-finishing-rename') process.kill(process.pid, 'SIGKILL');
    await fsp.rename(from, to);
    if (finishing && crashAt === 'after-finishing-rename') process.kill(process.pid, 'SIGKILL');
  },
};

const writer = createRecordingWriter({
  fs,
  folder: () => folder,
  policy: () => 'allowed',
  appVersion: '0.0.0-kill-test',
  signer: createRecordingSigner(keytar, { service }),
  describeCall: describeCallWith(witness),
  consent: createConsentGuard(witness),
});
const { recordingId } = await writer.start({
  callId,
  participants: [me, { id: 'u_blake', displayName: 'Blake' }],
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
