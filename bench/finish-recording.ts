/**
 * `npm run bench:finish`: finishing a one-hour-size recording at stop (Duration and Cues written
 * by webm-finish.ts), time and memory. Chromium records 10 s of a 1280x720 canvas as the app does
 * (its fake camera with a patch of noise, so the encoder spends a real call's bitrate); its
 * Clusters are then repeated, each with its timestamp moved on, through the real writer until
 * the file holds ~1 GiB (MediaRecorder's shape, at a real bitrate), signed with a real keychain
 * key (run under scripts/keyring-session). Then it times the stop (which finishes the file), with
 * the peak RSS of this process meanwhile, and the verifier on the finished file.
 *   RR_BENCH_BYTES=200000000 npm run bench:finish   # a smaller file
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { Decoder, tools } from 'ts-ebml';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { readManifest, START, writerFor } from '../main/recording/testing/fixtures.ts';
import { testKey } from '../main/recording/testing/test-keys.ts';
import { verifyRecording } from '../main/recording/verify.ts';
import { fixed, mib } from './support/stats.ts';

const TARGET_BYTES = Number(process.env.RR_BENCH_BYTES ?? 2 ** 30);
const SOURCE_MS = 10_000;
const APPEND_BYTES = 1 << 20;
const since = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** 10 s of MediaRecorder WebM from Chromium, as the app records (opaque 720p canvas, 2 s keyframes). */
async function recordSource(): Promise<Buffer> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    await page.goto('chrome://version'); // a secure context for getUserMedia
    const base64 = await page.evaluate(async (ms) => {
      const camera = await navigator.mediaDevices.getUserMedia({
        video: { width: 1280, height: 720 },
        audio: true,
      });
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = camera;
      await video.play();
      const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
      const context = canvas.getContext('2d', { alpha: false })!;
      const noise = context.createImageData(480, 270);
      const timer = setInterval(() => {
        context.drawImage(video, 0, 0, 1280, 720);
        for (let i = 0; i < noise.data.length; i++) noise.data[i] = (Math.random() * 256) | 0;
        context.putImageData(noise, 400, 225);
      }, 1000 / 15);
      const recorder = new MediaRecorder(
        new MediaStream([...canvas.captureStream(15).getVideoTracks(), ...camera.getAudioTracks()]),
        {
          mimeType: 'video/webm;codecs=vp8,opus',
          videoBitsPerSecond: 2_000_000,
          videoKeyFrameIntervalDuration: 2_000,
        } as MediaRecorderOptions,
      );
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => chunks.push(event.data);
      recorder.start(500);
      await new Promise((resolve) => setTimeout(resolve, ms));
      await new Promise((resolve) => {
        recorder.onstop = resolve;
        recorder.stop();
      });
      clearInterval(timer);
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    }, SOURCE_MS);
    return Buffer.from(base64, 'base64');
  } finally {
    await browser.close();
  }
}

interface SourceCluster {
  /** The Cluster's ID and size bytes. */
  tag: Buffer;
  timestamp: number;
  /** Everything in it after its Timestamp element. */
  rest: Buffer;
}

/** The source's head and Clusters, and how long it lasts (ms). */
function splitSource(source: Buffer): { head: Buffer; clusters: SourceCluster[]; period: number } {
  const elements = new Decoder().decode(new Uint8Array(source).buffer);
  const starts = elements.filter((e) => e.name === 'Cluster' && e.type === 'm' && !e.isEnd);
  const clusters = starts.map((cluster, i) => {
    const end = starts[i + 1]?.tagStart ?? source.length;
    const stamp = elements.find((e) => e.name === 'Timestamp' && e.tagStart > cluster.tagStart);
    if (!stamp || stamp.type !== 'u') throw new Error('a Cluster without a Timestamp');
    return {
      tag: source.subarray(cluster.tagStart, cluster.dataStart),
      timestamp: stamp.value,
      rest: source.subarray(stamp.dataEnd, end),
    };
  });
  const last = clusters.at(-1)?.timestamp ?? 0;
  // Past the last Cluster's start by a second's margin: repeats never overlap in time.
  return { head: source.subarray(0, starts[0]?.tagStart ?? 0), clusters, period: last + 1_000 };
}

/** The source's Clusters again and again, each Timestamp moved on by the repeats before it. */
function* hourOf(source: ReturnType<typeof splitSource>, bytes: number): Generator<Buffer> {
  yield source.head;
  let written = source.head.length;
  for (let repeat = 0; written < bytes; repeat++) {
    for (const cluster of source.clusters) {
      const time = tools.createUIntBuffer(cluster.timestamp + repeat * source.period);
      const piece = Buffer.concat([
        cluster.tag,
        tools.encodeTag(Buffer.from([0xe7]), time),
        cluster.rest,
      ]);
      written += piece.length;
      yield piece;
    }
  }
}

const folder = mkdtempSync(join(tmpdir(), 'rr-bench-finish-'));
const key = testKey('bench-finish');
try {
  const source = await recordSource();
  const split = splitSource(source);
  console.log(
    `source: ${mib(source.length)} of Chromium WebM in ${SOURCE_MS / 1000} s (${fixed((source.length * 8) / (SOURCE_MS / 1000) / 1e6, 2)} Mbit/s), ${split.clusters.length} Clusters`,
  );
  const writer = writerFor(folder, { signer: key.signer });
  const { recordingId } = await writer.start(START);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const writing = process.hrtime.bigint();
  for (const piece of hourOf(split, TARGET_BYTES)) {
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < APPEND_BYTES) continue;
    await writer.append(recordingId, Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  }
  if (pendingBytes > 0) await writer.append(recordingId, Buffer.concat(pending));
  console.log(`wrote the recording through the writer in ${fixed(since(writing), 1)} s`);

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 10);
  const stopping = process.hrtime.bigint();
  const summary = await writer.stop(recordingId);
  const stopSeconds = since(stopping);
  clearInterval(sampler);
  const path = join(folder, summary.fileName);
  const manifest = readManifest(path);
  const { stdout: duration } = await promisify(execFile)('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path],
  ]);
  console.log(
    `stop (finishing included): ${fixed(stopSeconds, 2)} s for ${(summary.bytes / 2 ** 30).toFixed(2)} GiB, ` +
      `duration ${fixed(Number(duration) / 60, 1)} min (ffprobe), head ${manifest.finished?.headBytes ?? 'none'} bytes; ` +
      `RSS ${mib(rssBefore)} before, peak ${mib(rssPeak)} while finishing`,
  );
  const verifying = process.hrtime.bigint();
  const result = await verifyRecording(path);
  console.log(`verify the finished file: ${fixed(since(verifying), 2)} s (${result.verdict})`);
  if (!manifest.finished || result.verdict !== 'valid') process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
  await key.remove();
}
