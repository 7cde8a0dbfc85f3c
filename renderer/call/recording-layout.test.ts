import { describe, expect, it } from 'vitest';
import { fitInto, layoutTiles, type Placement, type TileKind } from './recording-layout.ts';

/** The recording's frame: 1280x720. */
const W = 1280;
const H = 720;
const at = (x: number, y: number, width: number, height: number, fit: Placement['fit']) => ({
  x,
  y,
  width,
  height,
  fit,
});
const cameras = (n: number): TileKind[] => Array<TileKind>(n).fill('camera');

describe('layoutTiles', () => {
  it('places nothing for no tile and fills the frame with a single one', () => {
    expect(layoutTiles([], W, H)).toEqual([]);
    expect(layoutTiles(['camera'], W, H)).toEqual([at(0, 0, W, H, 'contain')]);
    expect(layoutTiles(['screen'], W, H)).toEqual([at(0, 0, W, H, 'contain')]);
  });

  it('shows two cameras as one large and the first as an inset at the bottom right', () => {
    expect(layoutTiles(cameras(2), W, H)).toEqual([
      at(W - 256 - 16, H - 144 - 16, 256, 144, 'cover'),
      at(0, 0, W, H, 'contain'),
    ]);
  });

  it('puts four cameras in a 2x2 grid that covers the frame', () => {
    expect(layoutTiles(cameras(4), W, H)).toEqual([
      at(0, 0, 640, 360, 'cover'),
      at(640, 0, 640, 360, 'cover'),
      at(0, 360, 640, 360, 'cover'),
      at(640, 360, 640, 360, 'cover'),
    ]);
  });

  it('puts three cameras in a 2x2 grid with the third centred below', () => {
    expect(layoutTiles(cameras(3), W, H)).toEqual([
      at(0, 0, 640, 360, 'cover'),
      at(640, 0, 640, 360, 'cover'),
      at(320, 360, 640, 360, 'cover'),
    ]);
  });

  it('makes a shared screen large (1024 of 1280 px) and the cameras a column at the right', () => {
    expect(layoutTiles(['screen', 'camera'], W, H)).toEqual([
      at(0, 0, 1024, H, 'contain'),
      at(1024, 576, 256, 144, 'cover'),
    ]);
    expect(layoutTiles(['screen', ...cameras(4)], W, H)).toEqual([
      at(0, 0, 1024, H, 'contain'),
      at(1024, 144, 256, 144, 'cover'),
      at(1024, 288, 256, 144, 'cover'),
      at(1024, 432, 256, 144, 'cover'),
      at(1024, 576, 256, 144, 'cover'),
    ]);
  });

  it('keeps the first screen large wherever it is listed; a second screen joins the column', () => {
    const placements = layoutTiles(['camera', 'screen', 'screen'], W, H);
    expect(placements[1]).toEqual(at(0, 0, 1024, H, 'contain'));
    expect(placements[0]).toEqual(at(1024, 432, 256, 144, 'cover'));
    expect(placements[2]).toEqual(at(1024, 576, 256, 144, 'cover'));
  });

  it('shrinks the small tiles when more than four must fit beside a screen', () => {
    const placements = layoutTiles(['screen', ...cameras(6)], W, H);
    expect(placements.slice(1).map((p) => [p.y, p.height])).toEqual(
      [0, 120, 240, 360, 480, 600].map((y) => [y, 120]),
    );
  });

  it('keeps every tile inside the canvas in whole pixels, and small tiles never overlap', () => {
    const mixes: TileKind[][] = [];
    for (let n = 1; n <= 5; n++) mixes.push(cameras(n), ['screen', ...cameras(n - 1)]);
    for (const kinds of mixes) {
      const placements = layoutTiles(kinds, W, H);
      expect(placements).toHaveLength(kinds.length);
      for (const p of placements) {
        // A fractional offset resamples the picture: a shared screen's text would blur.
        expect([p.x, p.y, p.width, p.height].every(Number.isInteger), kinds.join(',')).toBe(true);
        expect(p.x).toBeGreaterThanOrEqual(0);
        expect(p.y).toBeGreaterThanOrEqual(0);
        expect(p.x + p.width).toBeLessThanOrEqual(W);
        expect(p.y + p.height).toBeLessThanOrEqual(H);
      }
      const small = placements.filter((p) => p.fit === 'cover');
      for (const a of small) {
        for (const b of small) {
          if (a === b) continue;
          const apart =
            a.x + a.width <= b.x ||
            b.x + b.width <= a.x ||
            a.y + a.height <= b.y ||
            b.y + b.height <= a.y;
          expect(apart, kinds.join(',')).toBe(true);
        }
      }
    }
  });
});

describe('fitInto', () => {
  it('shows a whole 1080p screen letterboxed and centred in its area, in whole pixels', () => {
    expect(fitInto(1920, 1080, at(0, 0, 1024, 720, 'contain'), false)).toEqual({
      source: { x: 0, y: 0, width: 1920, height: 1080 },
      target: { x: 0, y: 72, width: 1024, height: 576 },
    });
  });

  it('draws a shared window smaller than its area at its own size, centred, when told not to enlarge', () => {
    expect(fitInto(800, 600, at(0, 0, 1024, 720, 'contain'), false)).toEqual({
      source: { x: 0, y: 0, width: 800, height: 600 },
      target: { x: 112, y: 60, width: 800, height: 600 },
    });
    // A camera alone fills the frame.
    expect(fitInto(640, 480, at(0, 0, 1280, 720, 'contain')).target).toEqual({
      x: 160,
      y: 0,
      width: 960,
      height: 720,
    });
  });

  it('crops a 4:3 camera to fill a 16:9 tile, keeping the middle', () => {
    expect(fitInto(640, 480, at(640, 360, 640, 360, 'cover'))).toEqual({
      source: { x: 0, y: 60, width: 640, height: 360 },
      target: { x: 640, y: 360, width: 640, height: 360 },
    });
  });

  it('shows a portrait phone camera whole rather than cutting most of it off', () => {
    expect(fitInto(720, 1280, at(0, 0, 640, 360, 'cover'))).toEqual({
      source: { x: 0, y: 0, width: 720, height: 1280 },
      target: { x: 219, y: 0, width: 203, height: 360 },
    });
  });
});
