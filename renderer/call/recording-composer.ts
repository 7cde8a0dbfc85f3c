/**
 * The recording's picture: every tile's video painted on one 1280x720 canvas, whose frames go to
 * MediaRecorder. Painting (and so encoding) happens only when there is something new: a source
 * presented a frame (requestVideoFrameCallback), the layout changed, or a second passed; at most
 * 12 frames a second for cameras and 10 with a shared screen (documents move little, and the
 * screen is the largest picture to scale), the small cameras beside a screen 5 times a second.
 * Only the tiles with a new picture are painted again (recording-frame.ts); the videos are
 * recording-sources.ts's.
 */
import { paintFrame, planFits, planFrame, type FramePlan } from './recording-frame.ts';
import { createTileSources } from './recording-sources.ts';

export interface RecorderTile {
  /** Its video is drawn. Give the same object every time: a new stream costs a new <video>. */
  stream: MediaStream;
  label: string;
  kind: 'camera' | 'screen';
}

export const RECORDING_WIDTH = 1280;
export const RECORDING_HEIGHT = 720;
/** 12, not 15: with two cameras at 1280x720 the recording added 28 % of a core at 15, 25 % at 12. */
const CAMERA_FPS = 12;
const SCREEN_FPS = 10;
/**
 * The small cameras beside a shared screen: each camera drawn costs a conversion of its picture
 * (read at twice its tile's size, or whole where the source cannot scale: a remote camera).
 */
const CAMERA_BESIDE_SCREEN_FPS = 5;
/** A frame at least this often, so that a still picture still moves the recording forward. */
const KEEPALIVE_MS = 1_000;
/** The tiles (who is there, who shares) are read again this often, not every frame. */
const TILES_MS = 250;
/** The tick is finer than either frame rate, so that each is kept without beating against it. */
const TICK_MS = 1_000 / 30;
/** A tick a little early still paints: timers fire a few ms late or early. */
const SLACK_MS = 4;

export interface Composer {
  /** The canvas's picture, one frame per paint. */
  readonly track: MediaStreamTrack;
  close(): void;
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
  const sources = createTileSources();
  const videos = sources.videos;
  let shown: RecorderTile[] = [];
  let plan: FramePlan | null = null;
  let tilesReadAt = -Infinity;
  let paintedAt = -Infinity;
  /** When the next frame is due: kept on a schedule, not counted from the last paint. */
  let dueAt = -Infinity;
  /** Per tile: when its picture was last drawn, and whether it is drawn in this frame. */
  let drawnAt: number[] = [];
  let draw: boolean[] = [];
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
    // A stream that changed its video track (a camera switch) is a new source for the same tile.
    if (!sources.sync(next) && same) return;
    shown = next;
    plan = null;
    drawnAt = next.map(() => -Infinity);
    draw = next.map(() => true);
  }

  function replan(): FramePlan {
    const planned = shown.map((tile, i) => ({
      kind: tile.kind,
      label: tile.label,
      width: videos[i]?.videoWidth ?? 0,
      height: videos[i]?.videoHeight ?? 0,
    }));
    const next = planFrame(planned, RECORDING_WIDTH, RECORDING_HEIGHT, measure);
    // A picture is read at the size of its area: scaled once, where it is captured. One cropped
    // to fill its tile ('cover') is read at twice the tile's size: room for the crop.
    for (const { tile, place } of next.steps) {
      const room = place.fit === 'cover' ? 2 : 1;
      sources.cap(tile, place.width * room, place.height * room);
    }
    return next;
  }

  /** Which tiles to draw now (into `draw`), taking their pictures; false when none. */
  function choose(now: number, all: boolean, withScreen: boolean): boolean {
    let any = false;
    for (let i = 0; i < shown.length; i++) {
      const beside = withScreen && shown[i]?.kind === 'camera';
      const gap = beside ? 1_000 / CAMERA_BESIDE_SCREEN_FPS - SLACK_MS : 0;
      const due = all || (sources.isFresh(i) && now - (drawnAt[i] ?? -Infinity) >= gap);
      draw[i] = due;
      if (!due) continue;
      any = true;
      sources.take(i);
      drawnAt[i] = now;
    }
    return any;
  }

  function tick(): void {
    const now = performance.now();
    sources.follow();
    if (now - tilesReadAt >= TILES_MS) {
      tilesReadAt = now;
      readTiles();
    }
    const withScreen = shown.some((tile) => tile.kind === 'screen');
    if (now < dueAt - SLACK_MS) return;
    const whole = !plan || !planFits(plan, videos);
    const current = whole || !plan ? (plan = replan()) : plan;
    // Hidden, the page renders nothing and no frame callback comes: paint all on the timer alone.
    const all = whole || document.visibilityState === 'hidden';
    if (!choose(now, all, withScreen) && now - paintedAt < KEEPALIVE_MS) return;
    paintFrame(context, current, videos, all ? null : draw);
    // After a second without news the same picture is sent again: the recording moves on.
    track.requestFrame();
    paintedAt = now;
    // One interval after the frame that was due, so that a rate that does not divide the
    // cameras' (12 of 30 fps) is kept on average instead of falling to the next divisor (10);
    // a schedule already behind (the first frame, a slow tick) starts again from now.
    const interval = 1_000 / (withScreen ? SCREEN_FPS : CAMERA_FPS);
    const next = dueAt + interval;
    dueAt = next > now ? next : now + interval;
  }

  // A timer, not requestAnimationFrame: rAF stops when the window is hidden, recording must not.
  const timer = setInterval(tick, TICK_MS);
  tick();

  return {
    track,
    close() {
      clearInterval(timer);
      track.stop();
      sources.close();
    },
  };
}
