import { describe, expect, it } from 'vitest';
import { fitInto, layoutTiles, type Placement, type TileKind } from './recording-layout.ts';

const W = 640;
const H = 360;
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
      at(W - 160 - 8, H - 90 - 8, 160, 90, 'cover'),
      at(0, 0, W, H, 'contain'),
    ]);
  });

  it('puts four cameras in a 2x2 grid that covers the frame', () => {
    expect(layoutTiles(cameras(4), W, H)).toEqual([
      at(0, 0, 320, 180, 'cover'),
      at(320, 0, 320, 180, 'cover'),
      at(0, 180, 320, 180, 'cover'),
      at(320, 180, 320, 180, 'cover'),
    ]);
  });

  it('puts three cameras in a 2x2 grid with the third centred below', () => {
    expect(layoutTiles(cameras(3), W, H)).toEqual([
      at(0, 0, 320, 180, 'cover'),
      at(320, 0, 320, 180, 'cover'),
      at(160, 180, 320, 180, 'cover'),
    ]);
  });

  it('makes a shared screen large and the cameras a column of small tiles at the right', () => {
    expect(layoutTiles(['screen', 'camera'], W, H)).toEqual([
      at(0, 0, 480, H, 'contain'),
      at(480, 270, 160, 90, 'cover'),
    ]);
    expect(layoutTiles(['screen', ...cameras(4)], W, H)).toEqual([
      at(0, 0, 480, H, 'contain'),
      at(480, 0, 160, 90, 'cover'),
      at(480, 90, 160, 90, 'cover'),
      at(480, 180, 160, 90, 'cover'),
      at(480, 270, 160, 90, 'cover'),
    ]);
  });

  it('keeps the first screen large wherever it is listed; a second screen joins the column', () => {
    const placements = layoutTiles(['camera', 'screen', 'screen'], W, H);
    expect(placements[1]).toEqual(at(0, 0, 480, H, 'contain'));
    expect(placements[0]).toEqual(at(480, 180, 160, 90, 'cover'));
    expect(placements[2]).toEqual(at(480, 270, 160, 90, 'cover'));
  });

  it('shrinks the small tiles when more than four must fit beside a screen', () => {
    const placements = layoutTiles(['screen', ...cameras(6)], W, H);
    expect(placements.slice(1).map((p) => [p.y, p.height])).toEqual(
      [0, 60, 120, 180, 240, 300].map((y) => [y, 60]),
    );
  });

  it('keeps every tile inside the canvas, and small tiles never overlap one another', () => {
    const mixes: TileKind[][] = [];
    for (let n = 1; n <= 5; n++) mixes.push(cameras(n), ['screen', ...cameras(n - 1)]);
    for (const kinds of mixes) {
      const placements = layoutTiles(kinds, W, H);
      expect(placements).toHaveLength(kinds.length);
      for (const p of placements) {
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
  it('shows a whole screen letterboxed and centred in its area', () => {
    expect(fitInto(1920, 1080, at(0, 0, 480, 360, 'contain'))).toEqual({
      source: { x: 0, y: 0, width: 1920, height: 1080 },
      target: { x: 0, y: 45, width: 480, height: 270 },
    });
  });

  it('crops a 4:3 camera to fill a 16:9 tile, keeping the middle', () => {
    expect(fitInto(640, 480, at(320, 180, 320, 180, 'cover'))).toEqual({
      source: { x: 0, y: 60, width: 640, height: 360 },
      target: { x: 320, y: 180, width: 320, height: 180 },
    });
  });

  it('shows a portrait phone camera whole rather than cutting most of it off', () => {
    expect(fitInto(720, 1280, at(0, 0, 320, 180, 'cover'))).toEqual({
      source: { x: 0, y: 0, width: 720, height: 1280 },
      target: { x: 109.375, y: 0, width: 101.25, height: 180 },
    });
  });
});
