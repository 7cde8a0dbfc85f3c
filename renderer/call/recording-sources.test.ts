/**
 * The recording's picture sources, with the browser's video element and tracks stood in for (the
 * unit tests run without a DOM): each tile is read through a clone of its track, and the clone
 * follows the track, off when the camera is turned off (nobody is recorded with the camera they
 * turned off) and stopped when the track ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecorderTile } from './recording-composer.ts';
import { createTileSources } from './recording-sources.ts';

class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  readonly clones: FakeTrack[] = [];
  readonly constraints: unknown[] = [];
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }
  clone(): FakeTrack {
    const copy = new FakeTrack(`${this.id}-clone`);
    copy.enabled = this.enabled;
    this.clones.push(copy);
    return copy;
  }
  stop(): void {
    this.readyState = 'ended';
  }
  applyConstraints(constraints: unknown): Promise<void> {
    this.constraints.push(constraints);
    return Promise.resolve();
  }
}

const fakeVideo = () => ({
  muted: false,
  playsInline: false,
  srcObject: null as unknown,
  play: () => Promise.resolve(),
  requestVideoFrameCallback: () => 1,
  cancelVideoFrameCallback: () => undefined,
});

const tile = (track: FakeTrack, kind: 'camera' | 'screen' = 'camera'): RecorderTile =>
  ({
    kind,
    label: `${track.id}'s video`,
    stream: { id: `stream-${track.id}`, getVideoTracks: () => [track] },
  }) as unknown as RecorderTile;

beforeEach(() => {
  vi.stubGlobal('document', { createElement: fakeVideo });
  vi.stubGlobal(
    'MediaStream',
    class {
      readonly tracks: FakeTrack[];
      constructor(tracks: FakeTrack[]) {
        this.tracks = tracks;
      }
    },
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the recording sources', () => {
  it('reads each tile through a clone capped at its painted size', () => {
    const mine = new FakeTrack('mine');
    const sources = createTileSources();
    sources.sync([tile(mine)]);
    const video = sources.videos[0] as unknown as { srcObject: { tracks: FakeTrack[] } };
    expect(video.srcObject.tracks).toEqual([mine.clones[0]]);
    sources.cap(0, 512, 288);
    expect(mine.clones[0]?.constraints).toEqual([
      { width: { max: 512 }, height: { max: 288 }, resizeMode: 'crop-and-scale' },
    ]);
  });

  it('turns a clone off while its camera is off, on again after, and stops it when it ends', () => {
    const mine = new FakeTrack('mine');
    const sources = createTileSources();
    sources.sync([tile(mine)]);
    const clone = mine.clones[0]!;
    mine.enabled = false;
    sources.follow();
    expect(clone.enabled).toBe(false);
    mine.enabled = true;
    sources.follow();
    expect(clone.enabled).toBe(true);
    mine.stop();
    sources.follow();
    expect(clone.readyState).toBe('ended');
  });

  it('clones a camera that is already off as off', () => {
    const mine = new FakeTrack('mine');
    mine.enabled = false;
    createTileSources().sync([tile(mine)]);
    expect(mine.clones[0]?.enabled).toBe(false);
  });
});
