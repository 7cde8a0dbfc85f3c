/**
 * Finishing at stop, on a real Chromium MediaRecorder file (testing/chrome-recording.webm, made
 * by scripts/make-recording-fixture.ts) written through the real writer and signed with a real
 * keychain key; ffprobe and ffmpeg read the results.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Decoder } from 'ts-ebml';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RecordingFs } from './files.ts';
import { START, createTempFolders, readManifest, writerFor } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording } from './verify.ts';
import { finishWebm, prepareFinishedWebm } from './webm-finish.ts';

const run = promisify(execFile);
const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('webm-finish');
afterAll(key.remove);

const RECORDED = readFileSync(join(import.meta.dirname, 'testing', 'chrome-recording.webm'));
const CLUSTER_ID = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The fixture through the writer in 16 KiB chunks (the chain does not care where they fall). */
async function record(bytes: Uint8Array = RECORDED, fs?: RecordingFs): Promise<string> {
  const folder = temp.folder();
  const writer = writerFor(folder, { signer: key.signer, ...(fs ? { fs } : {}) });
  const { recordingId } = await writer.start(START);
  for (let at = 0; at < bytes.length; at += 16_384) {
    await writer.append(recordingId, bytes.subarray(at, at + 16_384));
  }
  const summary = await writer.stop(recordingId);
  const path = join(folder, summary.fileName);
  expect(summary).toMatchObject({
    bytes: readFileSync(path).length,
    sha256: sha256(readFileSync(path)),
  });
  return path;
}

async function ffprobe(args: string[], file: string): Promise<string> {
  const { stdout } = await run('ffprobe', ['-v', 'error', ...args, '-of', 'csv=p=0', file]);
  return stdout.trim();
}

/** Every frame's checksum (ffmpeg's framemd5): equal lists mean the same media frames. */
async function frameChecksums(file: string): Promise<string> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-c', 'copy', '-f', 'framemd5', '-'],
    {
      maxBuffer: 16 << 20,
    },
  );
  return stdout;
}

/** The Cues of a finished file, with where each points (absolute) and the time it gives. */
function cuesOf(file: Buffer): { at: number; time: number }[] {
  const elements = new Decoder().decode(new Uint8Array(file).buffer);
  const segmentData = elements.find((e) => e.name === 'Segment')?.dataStart ?? NaN;
  const times = elements.flatMap((e) => (e.name === 'CueTime' && e.type === 'u' ? [e.value] : []));
  return elements
    .flatMap((e) => (e.name === 'CueClusterPosition' && e.type === 'u' ? [e.value] : []))
    .map((position, i) => ({ at: segmentData + position, time: times[i] ?? NaN }));
}

describe('finishing a recording at stop', () => {
  it('gives the file a duration and Cues on keyframe Clusters, keeping every recorded byte after the head', async () => {
    const path = await record();
    const finished = readFileSync(path);
    const manifest = readManifest(path);
    const layout = manifest.finished!;
    expect(layout).toBeDefined();
    const recordedHead = Buffer.from(layout.recordedHead, 'base64');
    // The head alone changed: from the first Cluster on, the bytes are the recorded ones.
    expect(recordedHead.equals(RECORDED.subarray(0, recordedHead.length))).toBe(true);
    expect(finished.subarray(layout.headBytes).equals(RECORDED.subarray(recordedHead.length))).toBe(
      true,
    );
    expect(manifest).toMatchObject({ bytes: finished.length, sha256: sha256(finished) });

    const original = join(dirname(path), 'as-recorded.webm');
    writeFileSync(original, RECORDED);
    expect(await ffprobe(['-show_entries', 'format=duration'], original)).toBe('N/A');
    const duration = Number(await ffprobe(['-show_entries', 'format=duration'], path));
    const lastFrame = (await ffprobe(['-show_entries', 'packet=pts_time'], original))
      .split('\n')
      .map(Number)
      .reduce((a, b) => Math.max(a, b));
    expect(duration).toBeGreaterThan(lastFrame);
    expect(duration).toBeLessThan(lastFrame + 0.1);

    // One cue per video keyframe, each on a Cluster that starts there.
    const keyframes = (
      await ffprobe(
        ['-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time'],
        original,
      )
    )
      .split('\n')
      .map((t) => Math.round(Number(t) * 1000));
    const cues = cuesOf(finished);
    expect(cues.map((cue) => cue.time)).toEqual(keyframes);
    for (const cue of cues)
      expect(finished.subarray(cue.at, cue.at + 4).equals(CLUSTER_ID)).toBe(true);

    // The same frames, byte for byte, and a player can start in the middle.
    expect(await frameChecksums(path)).toBe(await frameChecksums(original));
    await run('ffmpeg', [
      '-v',
      'error',
      '-ss',
      String(duration / 2),
      '-i',
      path,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ]);

    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'valid',
      status: 'complete',
    });
  });

  it('still checks every recorded chunk of a finished file: a changed frame, a changed head, a cut file', async () => {
    const path = await record();
    const finished = readFileSync(path);
    const { headBytes } = readManifest(path).finished!;

    const frame = Buffer.from(finished);
    frame[finished.length - 1_000]! ^= 0xff;
    writeFileSync(path, frame);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'altered',
      reason: expect.stringMatching(/^Chunk \d+ of \d+ .* is not what was recorded/) as unknown,
    });

    const head = Buffer.from(finished);
    head[headBytes - 3]! ^= 0xff;
    writeFileSync(path, head);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'altered',
      reason: expect.stringContaining('the header written when the recording stopped') as unknown,
    });

    writeFileSync(path, finished.subarray(0, finished.length - 5_000));
    await expect(verifyRecording(path)).resolves.toMatchObject({ verdict: 'truncated' });
  });

  it('leaves a WebM cut inside a frame, or one already finished, exactly as it is', async () => {
    const folder = temp.folder();
    await fsp.mkdir(folder, { recursive: true });
    const cut = join(folder, 'cut.webm');
    const bytes = RECORDED.subarray(0, RECORDED.length - 100);
    writeFileSync(cut, bytes);
    await expect(finishWebm(fsp, cut, sha256(bytes))).resolves.toBeNull();
    expect(readFileSync(cut).equals(bytes)).toBe(true);

    const again = await record();
    const once = readFileSync(again);
    await expect(prepareFinishedWebm(fsp, again, sha256(once))).resolves.toBeNull();
  });

  it('makes no copy of a file that changed on disk since it was written', async () => {
    const folder = temp.folder();
    await fsp.mkdir(folder, { recursive: true });
    const path = join(folder, 'changed.webm');
    writeFileSync(path, RECORDED);
    await expect(
      prepareFinishedWebm(fsp, path, sha256(Buffer.from('something else'))),
    ).resolves.toBeNull();
    expect(readdirSync(folder)).toEqual(['changed.webm']);
  });

  it('keeps the recording as recorded, and valid, when finishing fails on the way', async () => {
    // The rename of the finished copy over the file fails (a virus scanner holding it…).
    const failing: RecordingFs = {
      ...fsp,
      rename: (from, to) =>
        String(from).endsWith('.finishing')
          ? Promise.reject(Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' }))
          : fsp.rename(from, to),
    };
    const path = await record(RECORDED, failing);
    expect(readFileSync(path).equals(RECORDED)).toBe(true);
    expect(readManifest(path).finished).toBeUndefined();
    expect(readdirSync(dirname(path)).filter((name) => name.endsWith('.finishing'))).toEqual([]);
    expect(existsSync(`${path}.chain`)).toBe(false);
    await expect(verifyRecording(path)).resolves.toMatchObject({ verdict: 'valid' });
  });
});
