/**
 * Main killed while recording, for real: a separate process runs the writer and is SIGKILLed
 * mid-file. What it had acknowledged up to a second before the kill must be on disk, as a valid
 * WebM, and the next start must close the recording with a signed "recovered" manifest whose
 * chain covers the whole chunks on disk and whose hash matches the file: the verifier says valid.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeCallWith } from './call-account.ts';
import { createCallWitness } from './call-witness.ts';
import { createConsentGuard } from './consent-guard.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording } from './verify.ts';
import { createRecordingWriter } from './writer.ts';

const run = promisify(execFile);
let dir: string;
let source: string;
const key = testKey('kill');

/** Seconds of media ffmpeg finds in a WebM, after a stream-copy remux (Chrome-like files have no duration). */
async function mediaSeconds(file: string): Promise<number> {
  const remuxed = `${file}.remux.webm`;
  await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-c', 'copy', remuxed]);
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', remuxed],
  ]);
  return Number(stdout.trim());
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rr-kill-'));
  source = join(dir, 'source.webm');
  // 12 s of VP8 + Opus at a steady rate, in 1 s clusters as MediaRecorder writes them.
  await run('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi'],
    ...['-i', 'sine=frequency=440:sample_rate=48000', '-t', '12', '-c:v', 'libvpx', '-b:v'],
    ...['200k', '-minrate', '200k', '-maxrate', '200k', '-g', '15', '-c:a', 'libopus'],
    ...['-cluster_time_limit', '1000', '-f', 'webm', source],
  ]);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await key.remove();
});

it('a SIGKILLed main keeps what it acknowledged up to 1 s before, valid, and is recovered and verified as recovered', async () => {
  const folder = join(dir, 'recordings');
  const total = readFileSync(source).length;
  // About 12 pieces a second of media: the pace of a real recording.
  const piece = Math.ceil(total / 12 / 4);
  const child = spawn(process.execPath, [
    join(import.meta.dirname, 'testing', 'recording-process.ts'),
    ...[folder, source, String(piece), '250', key.service],
  ]);
  const acks: { acked: number; t: number }[] = [];
  const lines = createInterface({ input: child.stdout });
  const killAt = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`the recording process ended by itself (${code})`));
    });
    lines.on('line', (line) => {
      if (line === 'done') return;
      acks.push(JSON.parse(line) as { acked: number; t: number });
      // Kill mid-file, between two appends.
      if (acks.length === 24) {
        setTimeout(() => {
          const t = Date.now();
          child.kill('SIGKILL');
          resolve(t);
        }, 120);
      }
    });
  });
  await new Promise((resolve) => child.once('close', resolve));
  expect(child.signalCode).toBe('SIGKILL');

  const [media] = readdirSync(folder).filter((f) => f.endsWith('.webm'));
  const file = join(folder, media!);
  const written = readFileSync(file);
  const promised = acks.filter((a) => a.t <= killAt - 1_000).at(-1)?.acked ?? 0;
  expect(promised).toBeGreaterThan(0);
  expect(written.length).toBeGreaterThanOrEqual(promised);
  // Byte for byte what was sent, in order.
  expect(written.equals(readFileSync(source).subarray(0, written.length))).toBe(true);

  const prefix = join(dir, 'promised.webm');
  writeFileSync(prefix, readFileSync(source).subarray(0, promised));
  const [onDisk, owed] = [await mediaSeconds(file), await mediaSeconds(prefix)];
  console.log(
    `[faults] main killed while recording: ${written.length} of ${acks.at(-1)?.acked ?? 0} acknowledged bytes on disk ` +
      `(${onDisk.toFixed(2)} s of media; owed at least ${owed.toFixed(2)} s, what was acknowledged 1 s before the kill)`,
  );
  expect(onDisk).toBeGreaterThanOrEqual(owed);

  const witness = createCallWitness({ me: () => null });
  const recovered = await createRecordingWriter({
    folder: () => folder,
    policy: () => 'allowed',
    appVersion: '0.0.0-kill-test',
    signer: key.signer,
    describeCall: describeCallWith(witness),
    consent: createConsentGuard(witness),
  }).recoverInterrupted();
  expect(recovered).toEqual([
    expect.objectContaining({
      status: 'recovered',
      bytes: written.length,
      sha256: createHash('sha256').update(written).digest('hex'),
      participants: [
        expect.objectContaining({ id: 'u_avery', displayName: 'Avery', nameFrom: 'session' }),
        expect.objectContaining({ id: 'u_blake', displayName: 'Blake', nameFrom: 'signaling' }),
      ],
    }),
  ]);
  // Every piece main wrote is in the journal but perhaps the last (killed between the two writes).
  const { recovery, chain } = recovered[0]!;
  expect(recovery!.verifiedChunks).toBe(chain.count);
  expect(chain.count).toBeGreaterThanOrEqual(Math.floor(written.length / piece) - 1);
  expect(recovery!.unchainedBytes).toBe(written.length - chain.count * piece);
  expect(recovery!.unchainedBytes).toBeLessThanOrEqual(piece);

  const keyId = await key.signer.keyId();
  const verdict = await verifyRecording(file, {
    trustedKeys: { ids: [keyId!], label: 'the test key' },
  });
  console.log(`[faults] the recovered recording verifies: ${verdict.verdict}: ${verdict.reason}`);
  expect(verdict).toMatchObject({ verdict: 'valid', status: 'recovered', keyId });
  // The journal served its purpose: the signed manifest now holds the chain.
  expect(readdirSync(folder).filter((f) => f.endsWith('.chain'))).toEqual([]);
});
