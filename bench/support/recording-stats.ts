/** What a recording file holds, as ffprobe reads it: size, frame rate and bitrate of its video. */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RecordingStats {
  width: number;
  height: number;
  frames: number;
  /** From the first to the last video packet. */
  seconds: number;
  fps: number;
  videoKbps: number;
  /** The whole file (video, audio, container) over the same span. */
  fileKbps: number;
  /** ffprobe's format duration: 'N/A' for a file without one. */
  duration: string;
}

export async function recordingStats(file: string): Promise<RecordingStats> {
  const { stdout: streams } = await run('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
    ...['-show_entries', 'stream=nb_read_frames,width,height:format=duration', '-of', 'json'],
    file,
  ]);
  const probe = JSON.parse(streams) as {
    streams: { nb_read_frames: string; width: number; height: number }[];
    format: { duration?: string };
  };
  const { stdout: packets } = await run(
    'ffprobe',
    [
      ...['-v', 'error', '-select_streams', 'v:0'],
      ...['-show_entries', 'packet=pts_time,size', '-of', 'csv=p=0'],
      file,
    ],
    { maxBuffer: 64 << 20 },
  );
  let bytes = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const line of packets.trim().split('\n')) {
    const [pts, size] = line.split(',').map(Number);
    if (pts === undefined || size === undefined || !Number.isFinite(pts)) continue;
    bytes += size;
    first = Math.min(first, pts);
    last = Math.max(last, pts);
  }
  const stream = probe.streams[0];
  const frames = Number(stream?.nb_read_frames ?? 0);
  const seconds = Math.max(0, last - first);
  return {
    width: stream?.width ?? 0,
    height: stream?.height ?? 0,
    frames,
    seconds,
    // n frames span n-1 intervals.
    fps: seconds > 0 ? (frames - 1) / seconds : 0,
    videoKbps: seconds > 0 ? (bytes * 8) / seconds / 1000 : 0,
    fileKbps: seconds > 0 ? (statSync(file).size * 8) / seconds / 1000 : 0,
    duration: probe.format.duration ?? 'N/A',
  };
}
