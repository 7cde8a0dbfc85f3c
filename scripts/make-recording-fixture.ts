/**
 * Makes main/recording/testing/chrome-recording.webm, the real MediaRecorder file the finishing
 * tests use: Debian's Chromium records its fake camera (drawn on an opaque canvas, as the app
 * does) and fake microphone as VP8/Opus WebM in half-second chunks, keyframes every second.
 *   node scripts/make-recording-fixture.ts [seconds]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';

const seconds = Number(process.argv[2] ?? 4);
const out = join(
  import.meta.dirname,
  '..',
  'main',
  'recording',
  'testing',
  'chrome-recording.webm',
);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  // A secure context for getUserMedia, without a server of our own.
  await page.goto('chrome://version');
  const base64 = await page.evaluate(async (ms) => {
    const camera = await navigator.mediaDevices.getUserMedia({
      video: { width: 640, height: 360 },
      audio: true,
    });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = camera;
    await video.play();
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 180;
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('no 2D canvas');
    const timer = setInterval(() => {
      context.drawImage(video, 0, 0, 320, 180);
    }, 1000 / 15);
    const stream = new MediaStream([
      ...canvas.captureStream(15).getVideoTracks(),
      ...camera.getAudioTracks(),
    ]);
    const recorder = new MediaRecorder(stream, {
      mimeType: 'video/webm;codecs=vp8,opus',
      videoBitsPerSecond: 300_000,
      videoKeyFrameIntervalDuration: 1_000,
    } as MediaRecorderOptions);
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
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }, seconds * 1000);
  writeFileSync(out, Buffer.from(base64, 'base64'));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
