/**
 * The recording's picture: every tile's video painted on one 1280x720 canvas, whose frames go to
 * MediaRecorder. Painting (and so encoding) happens only when there is something new: a source
 * presented a frame (requestVideoFrameCallback), the layout changed, or a second passed; at most
 * 15 frames a second for cameras and 10 with a shared screen (documents move little, and the
 * screen is the largest picture to scale).
 */
import { paintFrame, planFits, planFrame, type FramePlan } from './recording-frame.ts';

export interface RecorderTile {
  /** Its video is drawn. Give the same object every time: a new stream costs a new <video>. */
  stream: MediaStream;
  label: string;
  kind: 'camera' | 'screen';
}

export const RECORDING_WIDTH = 1280;
export const RECORDING_HEIGHT = 720;
const CAMERA_FPS = 15;
const SCREEN_FPS = 10;
/** A frame at least this often, so that a still picture still moves the recording forward. */
const KEEPALIVE_MS = 1_000;
/** The tiles (who is there, who shares) are read again this often, not every frame. */
const TILES_MS = 250;
/** The tick is finer than either frame rate, so that each is kept without beating against it. */
const TICK_MS = 1_000 / 30;
/** A tick a little early still paints: timers fire a few ms late or early. */
const SLACK_MS = 4;

interface Source {
  video: HTMLVideoElement;
  /** A new frame since the last paint. */
  fresh: boolean;
  callback: number;
}

export interface Composer {
  /** The canvas's picture, one frame per paint. */
  readonly track: MediaStreamTrack;
  close(): void;
}

function openSource(stream: MediaStream): Source {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  void video.play().catch(() => undefined);
  const source: Source = { video, fresh: true, callback: 0 };
  const watch = () => {
    source.callback = video.requestVideoFrameCallback(() => {
      source.fresh = true;
      watch();
    });
  };
  watch();
  return source;
}

function closeSource(source: Source): void {
  source.video.cancelVideoFrameCallback(source.callback);
  source.video.srcObject = null;
}

function openCanvas(): { context: CanvasRenderingContext2D; track: CanvasCaptureMediaStreamTrack } {
  const canvas = document.createElement('canvas');
  canvas.width = RECORDING_WIDTH;
  canvas.height = RECORDING_HEIGHT;
  // Opaque: with alpha, Chromium encodes a second VP8 stream (the alpha plane) beside the
  // picture, which doubled the encoding work. Desynchronized: not tied to the page's display.
  const context = canvas.getContext('2d', { alpha: false, desynchronized: true });
  // Frame rate 0: a frame only when requestFrame() says one was painted.
  const [track] = canvas.captureStream(0).getVideoTracks() as CanvasCaptureMediaStreamTrack[];
  if (!context || !track) throw new Error('This computer cannot compose the recording’s picture.');
  return { context, track };
}

export function createComposer(tiles: () => RecorderTile[]): Composer {
  const { context, track } = openCanvas();

  const sources = new Map<string, Source>();
  let shown: RecorderTile[] = [];
  let videos: HTMLVideoElement[] = [];
  let plan: FramePlan | null = null;
  let tilesReadAt = -Infinity;
  let paintedAt = -Infinity;
  const measure = (label: string, font: string) => {
    context.font = font;
    return context.measureText(label).width;
  };

  function readTiles(): void {
    const next = tiles();
    const same =
      next.length === shown.length &&
      next.every((t, i) => {
        const was = shown[i];
        return was?.stream === t.stream && was.label === t.label && was.kind === t.kind;
      });
    if (same) return;
    shown = next;
    const inUse = new Set(next.map((tile) => tile.stream.id));
    for (const [id, source] of sources) {
      if (inUse.has(id)) continue;
      closeSource(source);
      sources.delete(id);
    }
    videos = next.map((tile) => {
      let source = sources.get(tile.stream.id);
      if (!source) sources.set(tile.stream.id, (source = openSource(tile.stream)));
      return source.video;
    });
    plan = null;
  }

  function somethingNew(now: number): boolean {
    // Hidden, the page renders nothing and no frame callback comes: paint on the timer alone.
    if (document.visibilityState === 'hidden' || now - paintedAt >= KEEPALIVE_MS) return true;
    for (const source of sources.values()) if (source.fresh) return true;
    return false;
  }

  function tick(): void {
    const now = performance.now();
    if (now - tilesReadAt >= TILES_MS) {
      tilesReadAt = now;
      readTiles();
    }
    const fps = shown.some((tile) => tile.kind === 'screen') ? SCREEN_FPS : CAMERA_FPS;
    if (now - paintedAt < 1_000 / fps - SLACK_MS) return;
    let changed = false;
    if (!plan || !planFits(plan, videos)) {
      const planned = shown.map((tile, i) => ({
        kind: tile.kind,
        label: tile.label,
        width: videos[i]?.videoWidth ?? 0,
        height: videos[i]?.videoHeight ?? 0,
      }));
      plan = planFrame(planned, RECORDING_WIDTH, RECORDING_HEIGHT, measure);
      changed = true;
    }
    if (!changed && !somethingNew(now)) return;
    paintFrame(context, plan, videos);
    track.requestFrame();
    paintedAt = now;
    for (const source of sources.values()) source.fresh = false;
  }

  // A timer, not requestAnimationFrame: rAF stops when the window is hidden, recording must not.
  const timer = setInterval(tick, TICK_MS);
  tick();

  return {
    track,
    close() {
      clearInterval(timer);
      track.stop();
      for (const source of sources.values()) closeSource(source);
      sources.clear();
    },
  };
}
