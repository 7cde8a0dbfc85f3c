/**
 * `npm run bench:verify`: the time to verify a one-hour recording. Writes a synthetic hour
 * (2.3 Mbit/s for 3,600 s ≈ 1 GiB, in 1 s chunks as MediaRecorder sends them) through the real
 * writer, signed with a real keychain key (run under scripts/keyring-session), then times the
 * verifier in this process and as the compliance officer's command (a new Node process).
 * The file is fresh in the page cache, as on the advisor's own computer right after a call.
 *   RR_BENCH_SECONDS=600 npm run bench:verify   # a shorter recording
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeCallWith } from '../main/recording/call-account.ts';
import { createCallWitness } from '../main/recording/call-witness.ts';
import { createConsentGuard } from '../main/recording/consent-guard.ts';
import { testKey } from '../main/recording/testing/test-keys.ts';
import { verifyRecording } from '../main/recording/verify.ts';
import { createRecordingWriter } from '../main/recording/writer.ts';

const BITS_PER_SECOND = 2_300_000;
const seconds = Number(process.env.RR_BENCH_SECONDS ?? 3_600);
const chunkBytes = Math.round(BITS_PER_SECOND / 8);
const folder = mkdtempSync(join(tmpdir(), 'rr-bench-verify-'));
const key = testKey('bench');
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const since = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

try {
  const witness = createCallWitness({ me: () => ({ id: 'u_avery', displayName: 'Avery' }) });
  const writer = createRecordingWriter({
    folder: () => folder,
    policy: () => 'allowed',
    appVersion: 'bench',
    signer: key.signer,
    describeCall: describeCallWith(witness),
    consent: createConsentGuard(witness),
  });
  const { recordingId } = await writer.start({
    callId: 'call_bench_verify01',
    participants: [{ id: 'u_avery', displayName: 'Avery' }],
    mimeType: 'video/webm;codecs=vp8,opus',
  });
  // Incompressible bytes, without generating a gigabyte of randomness.
  const pool = randomBytes(chunkBytes * 8);
  const writing = process.hrtime.bigint();
  for (let second = 0; second < seconds; second++) {
    const at = (second * 7919) % (pool.length - chunkBytes);
    await writer.append(recordingId, pool.subarray(at, at + chunkBytes));
  }
  const summary = await writer.stop(recordingId);
  const path = join(folder, summary.fileName);
  console.log(
    `wrote ${gib(summary.bytes)} (${seconds.toLocaleString('en-US')} chunks of ${chunkBytes.toLocaleString('en-US')} bytes, ` +
      `${(BITS_PER_SECOND / 1e6).toFixed(1)} Mbit/s × ${seconds} s) through the writer in ${since(writing).toFixed(1)} s`,
  );

  const verifying = process.hrtime.bigint();
  const result = await verifyRecording(path);
  console.log(`verify in process: ${since(verifying).toFixed(2)} s (${result.verdict})`);

  const command = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)(process.execPath, [
    join(import.meta.dirname, '..', 'main', 'recording', 'verify-cli.ts'),
    path,
  ]);
  console.log(
    `npm run verify-recording (a new Node process): ${since(command).toFixed(2)} s (${stdout.split(':')[0]})`,
  );
  if (result.verdict !== 'valid') process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
  await key.remove();
}
