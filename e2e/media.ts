/** What a video element in the page is really showing: decoded frames and size, not timers. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { Decoder } from 'ts-ebml';

export interface VideoInfo {
  width: number;
  height: number;
  frames: number;
}

export async function videoInfo(page: Page, label: string): Promise<VideoInfo | null> {
  return page.evaluate((name) => {
    const video = [...document.querySelectorAll('video')].find(
      (v) => v.getAttribute('aria-label') === name,
    );
    if (!video) return null;
    return {
      width: video.videoWidth,
      height: video.videoHeight,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
    };
  }, label);
}

/** Waits until the video labelled `label` has decoded more than `frames` frames (at least `minWidth` wide). */
export async function waitForDecodedFrames(
  page: Page,
  label: string,
  frames = 10,
  minWidth = 1,
): Promise<VideoInfo> {
  await page.waitForFunction(
    ([name, count, width]) => {
      const video = [...document.querySelectorAll('video')].find(
        (v) => v.getAttribute('aria-label') === name,
      );
      return (
        !!video &&
        video.videoWidth >= width &&
        video.getVideoPlaybackQuality().totalVideoFrames > count
      );
    },
    [label, frames, minWidth] as const,
    { timeout: 20_000 },
  );
  const info = await videoInfo(page, label);
  if (!info) throw new Error(`no video labelled ${label}`);
  return info;
}

/** Frames decoded by the video labelled `label` during `ms` milliseconds of wall time. */
export async function framesDuring(page: Page, label: string, ms: number): Promise<number> {
  const before = (await videoInfo(page, label))?.frames ?? 0;
  await page.waitForTimeout(ms);
  const after = (await videoInfo(page, label))?.frames ?? 0;
  return after - before;
}

/**
 * Starts timing the frames the video labelled `label` presents (requestVideoFrameCallback), so
 * `longestFreeze` can tell the longest gap between two frames since then.
 */
export async function watchFreezes(page: Page, label: string): Promise<void> {
  await page.evaluate((name) => {
    const video = [...document.querySelectorAll('video')].find(
      (v) => v.getAttribute('aria-label') === name,
    );
    if (!video) throw new Error(`no video labelled ${name}`);
    const watch = { last: performance.now(), longest: 0, frames: 0 };
    const page = window as unknown as { __freeze?: Record<string, typeof watch> };
    page.__freeze = { ...page.__freeze, [name]: watch };
    const onFrame = (now: number) => {
      watch.longest = Math.max(watch.longest, now - watch.last);
      watch.last = now;
      watch.frames++;
      if (video.isConnected) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, label);
}

/** The longest gap between two presented frames (ms) since `watchFreezes`, counting up to now. */
export async function longestFreeze(
  page: Page,
  label: string,
): Promise<{ longestMs: number; frames: number }> {
  return page.evaluate((name) => {
    const watch = (
      window as unknown as {
        __freeze?: Record<string, { last: number; longest: number; frames: number }>;
      }
    ).__freeze?.[name];
    if (!watch) throw new Error(`watchFreezes was not started for ${name}`);
    return {
      longestMs: Math.round(Math.max(watch.longest, performance.now() - watch.last)),
      frames: watch.frames,
    };
  }, label);
}

const run = promisify(execFile);

/**
 * What ffprobe reads in a recording, stream-copied into `scratch` first: that proves the file is
 * readable to the end, and gives a duration even to one left unfinished (as MediaRecorder wrote
 * it: no duration, testing-notes.md). recordingShape() reads a file as it is.
 */
export async function probeRecording(
  file: string,
  scratch: string,
): Promise<{ streams: string[]; duration: number }> {
  await run('ffmpeg', ['-v', 'error', '-y', '-i', file, '-c', 'copy', scratch]);
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type:format=duration',
    '-of',
    'json',
    scratch,
  ]);
  const probe = JSON.parse(stdout) as {
    streams: { codec_type: string }[];
    format: { duration: string };
  };
  return {
    streams: probe.streams.map((s) => s.codec_type).sort(),
    duration: Number(probe.format.duration),
  };
}

/** The loudest sample (dB) of a recording's audio between `fromS` and `fromS + seconds` (volumedetect). */
export async function maxVolume(file: string, fromS: number, seconds: number): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-v',
    'info',
    '-ss',
    String(fromS),
    '-t',
    String(seconds),
    '-i',
    file,
    '-vn',
    '-af',
    'volumedetect',
    '-f',
    'null',
    '-',
  ]);
  const match = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match?.[1]) throw new Error(`volumedetect printed no max_volume for ${file}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** The mean brightness (0–255) of the recording's frame at `atS` seconds (signalstats YAVG). */
export async function meanLuma(file: string, atS: number): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-v',
    'info',
    '-ss',
    String(atS),
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    'signalstats,metadata=print:key=lavfi.signalstats.YAVG',
    '-f',
    'null',
    '-',
  ]);
  const match = /lavfi\.signalstats\.YAVG=([\d.]+)/.exec(stderr);
  if (!match?.[1]) throw new Error(`signalstats printed no YAVG for ${file}`);
  return Number(match[1]);
}

/** What a player finds in a recording as it is on disk (no remux): picture, streams, seeking. */
export interface RecordingShape {
  width: number;
  height: number;
  streams: string[];
  /** Null when the file has none (ffprobe says N/A), as MediaRecorder leaves it. */
  duration: number | null;
  /** Cue points in the file's head: where a player can start after a seek. */
  cuePoints: number;
}

export async function recordingShape(file: string): Promise<RecordingShape> {
  const { stdout } = await run('ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration'],
    ...['-of', 'json', file],
  ]);
  const probe = JSON.parse(stdout) as {
    streams: { codec_type: string; width?: number; height?: number }[];
    format: { duration?: string };
  };
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const duration = Number(probe.format.duration);
  // The Cues sit in the head, before the first Cluster: the first 256 KiB hold them.
  const head = readFileSync(file).subarray(0, 256 << 10);
  const cuePoints = new Decoder()
    .decode(new Uint8Array(head).buffer)
    .filter((e) => e.name === 'CuePoint' && e.type === 'm' && !e.isEnd).length;
  return {
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    streams: probe.streams.map((s) => s.codec_type).sort(),
    duration: Number.isFinite(duration) ? duration : null,
    cuePoints,
  };
}

/** How many video frames ffmpeg decodes when told to start at `atS` and take one (1: it seeks). */
export async function framesFromSeek(file: string, atS: number): Promise<number> {
  const { stdout } = await run('ffmpeg', [
    ...['-v', 'error', '-ss', String(atS), '-i', file],
    ...['-map', '0:v:0', '-frames:v', '1', '-f', 'framemd5', '-'],
  ]);
  return stdout.split('\n').filter((line) => /^\d+,/.test(line)).length;
}

/** The recording's mean loudness (dB) over the whole file (volumedetect): -91 is digital silence. */
export async function meanVolume(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    ...['-v', 'info', '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-'],
  ]);
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match?.[1]) throw new Error(`volumedetect printed no mean_volume for ${file}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** The share (0–1) of the recording's `seconds` that blackdetect finds black. */
export async function blackShare(file: string, seconds: number): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    ...['-v', 'info', '-i', file, '-an', '-vf', 'blackdetect=d=0.1', '-f', 'null', '-'],
  ]);
  const black = [...stderr.matchAll(/black_duration:([\d.]+)/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
  return black / seconds;
}
