/**
 * The pictures a recording is painted from: one muted <video> per tile, and whether each has shown
 * a new frame since the last paint. Each <video> gets the tile's video track alone: given the whole
 * stream, it also played the sound (muted, but a silent audio output per tile all the same). Each
 * picture is read through a clone of its track capped at the size it is painted at: Chromium
 * scales a local capture (a screen, my camera) where it is captured, and a canvas converts every
 * picture it draws to RGB at full size (a 1080p screen painted at 1024x576: 3.5 times the pixels
 * shown; my 720p camera in a 256x144 inset: 25 times). Where the source cannot scale (a remote
 * participant's video), the clone costs nothing and the canvas scales the picture, as before. A
 * clone keeps its own `enabled`: it follows the tile's track, so a camera turned off is black.
 */
import type { RecorderTile } from './recording-composer.ts';

interface Source {
  video: HTMLVideoElement;
  /** The tile's own video track. */
  track: MediaStreamTrack | undefined;
  /** The clone read (ours to stop); null when the tile has no video track. */
  clone: MediaStreamTrack | null;
  /** The size the clone is capped at, as `WxH`. */
  cap: string;
  fresh: boolean;
  /** The pending frame callback, if any. */
  callback: number | null;
}

export interface TileSources {
  /** Follows these tiles (opening and closing videos); true when the tiles changed. */
  sync(tiles: readonly RecorderTile[]): boolean;
  /** The videos of the tiles, in their order. */
  readonly videos: readonly HTMLVideoElement[];
  /** Caps the picture read for tile `index` (never enlarged; kept where the source cannot scale). */
  cap(index: number, width: number, height: number): void;
  /** Whether tile `index` has shown a new frame since it was last taken. */
  isFresh(index: number): boolean;
  /** Tile `index` is being painted: its picture is no longer new, and the next frame is awaited. */
  take(index: number): void;
  /**
   * Keeps each clone as its track: stopped as soon as the track is (sharing ended: a clone keeps
   * the capture going, and the tiles are read again only every 250 ms), off while it is off (a
   * camera turned off). Cheap: every tick.
   */
  follow(): void;
  close(): void;
}

/** Which source a tile needs: a new video track (a camera switch, a new screen) is a new source. */
function keyOf(tile: RecorderTile): string {
  const track = tile.stream.getVideoTracks()[0];
  return `${tile.kind}:${track?.id ?? `none:${tile.stream.id}`}`;
}

/** Waits for the next frame only after the last one was painted: one callback per paint at most. */
function watch(source: Source): void {
  if (source.callback !== null) return;
  source.callback = source.video.requestVideoFrameCallback(() => {
    source.callback = null;
    source.fresh = true;
  });
}

function open(tile: RecorderTile): Source {
  const track = tile.stream.getVideoTracks()[0];
  const clone = track ? track.clone() : null;
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream(clone ? [clone] : []);
  void video.play().catch(() => undefined);
  const source: Source = { video, track, clone, cap: '', fresh: true, callback: null };
  watch(source);
  return source;
}

function close(source: Source): void {
  if (source.callback !== null) source.video.cancelVideoFrameCallback(source.callback);
  source.video.srcObject = null;
  source.clone?.stop();
}

export function createTileSources(): TileSources {
  const byKey = new Map<string, Source>();
  let shown: Source[] = [];
  let keys: string[] = [];
  const videos: HTMLVideoElement[] = [];

  return {
    videos,
    sync(tiles) {
      const next = tiles.map(keyOf);
      if (next.length === keys.length && next.every((key, i) => key === keys[i])) return false;
      keys = next;
      const inUse = new Set(next);
      for (const [key, source] of byKey) {
        if (inUse.has(key)) continue;
        close(source);
        byKey.delete(key);
      }
      shown = tiles.map((tile, i) => {
        const key = next[i] ?? '';
        let source = byKey.get(key);
        if (!source) byKey.set(key, (source = open(tile)));
        return source;
      });
      videos.length = 0;
      videos.push(...shown.map((source) => source.video));
      return true;
    },
    cap(index, width, height) {
      const source = shown[index];
      const cap = `${width}x${height}`;
      if (!source?.clone || source.cap === cap) return;
      source.cap = cap;
      // Max only: the capture keeps its aspect ratio and is never enlarged.
      const constraints: MediaTrackConstraints & { resizeMode?: string } = {
        width: { max: width },
        height: { max: height },
        resizeMode: 'crop-and-scale',
      };
      // Refused (a source that cannot scale): the canvas scales the picture, as before.
      source.clone.applyConstraints(constraints).catch(() => undefined);
    },
    isFresh(index) {
      return shown[index]?.fresh ?? false;
    },
    take(index) {
      const source = shown[index];
      if (!source) return;
      source.fresh = false;
      watch(source);
    },
    follow() {
      for (const { clone, track } of shown) {
        if (!clone || !track) continue;
        if (track.readyState === 'ended') clone.stop();
        else if (clone.enabled !== track.enabled) clone.enabled = track.enabled;
      }
    },
    close() {
      for (const source of byKey.values()) close(source);
      byKey.clear();
      shown = [];
      keys = [];
      videos.length = 0;
    },
  };
}
