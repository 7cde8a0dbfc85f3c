/**
 * Where each tile of a recorded meeting goes on the canvas. Pure geometry, tested without a DOM;
 * recording-frame.ts plans and paints frames from it. Every rectangle is in whole pixels: a
 * picture drawn at a fractional offset is resampled, which blurs a shared screen's text.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placement extends Rect {
  /** 'contain' shows the whole picture (large tiles, screens); 'cover' fills a small tile. */
  fit: 'contain' | 'cover';
}

export type TileKind = 'camera' | 'screen';

/**
 * The small camera tiles beside a screen take this share of the width (256 px of 1280): the
 * screen keeps 1024 px, so that its text stays readable, and the faces stay recognisable.
 */
const STRIP_SHARE = 1 / 5;
/** The inset's margin from the frame's edges, as a share of the width (16 px of 1280). */
const INSET_MARGIN_SHARE = 1 / 80;
/**
 * 'cover' crops at most this share of a picture; beyond it (a portrait phone camera in a wide
 * tile) the whole picture is shown instead, so that no face is cut off.
 */
const MAX_CROP = 0.25;

/**
 * One tile fills the frame; two cameras are one large (the second) and an inset (the first: the
 * engine lists mine first, and as before the other person fills the frame); three or more a
 * grid; with a screen, the (first) screen is large and every other tile a small one in a column
 * at the right, stacked from the bottom. Placements come in the order of `kinds`.
 */
export function layoutTiles(
  kinds: readonly TileKind[],
  width: number,
  height: number,
): Placement[] {
  const full: Placement = { x: 0, y: 0, width, height, fit: 'contain' };
  if (kinds.length <= 1) return kinds.map(() => full);
  const screen = kinds.indexOf('screen');
  if (screen >= 0) return screenWithStrip(kinds.length, screen, width, height);
  if (kinds.length === 2) {
    const w = Math.round(width * STRIP_SHARE);
    const h = Math.round((w * 9) / 16);
    const margin = Math.round(width * INSET_MARGIN_SHARE);
    return [
      { x: width - w - margin, y: height - h - margin, width: w, height: h, fit: 'cover' },
      full,
    ];
  }
  return grid(kinds.length, width, height);
}

function screenWithStrip(
  count: number,
  screen: number,
  width: number,
  height: number,
): Placement[] {
  const stripWidth = Math.round(width * STRIP_SHARE);
  const small = count - 1;
  const h = Math.floor(Math.min((stripWidth * 9) / 16, height / small));
  const top = height - small * h;
  const placements: Placement[] = [];
  for (let i = 0, slot = 0; i < count; i++) {
    placements.push(
      i === screen
        ? { x: 0, y: 0, width: width - stripWidth, height, fit: 'contain' }
        : {
            x: width - stripWidth,
            y: top + h * slot++,
            width: stripWidth,
            height: h,
            fit: 'cover',
          },
    );
  }
  return placements;
}

/** Rows of equal cells; a last row that is not full is centred. */
function grid(count: number, width: number, height: number): Placement[] {
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const w = Math.floor(width / columns);
  const h = Math.floor(height / rows);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const inRow = Math.min(columns, count - row * columns);
    const x = Math.round((width - inRow * w) / 2) + (i % columns) * w;
    return { x, y: row * h, width: w, height: h, fit: 'cover' as const };
  });
}

/**
 * Which part of a picture to draw where (drawImage's nine-argument form) for a placement. With
 * `enlarge` false a picture smaller than its area is drawn at its own size (a shared window:
 * sharp, and no resampling work), centred.
 */
export function fitInto(
  sourceWidth: number,
  sourceHeight: number,
  placement: Placement,
  enlarge = true,
): { source: Rect; target: Rect } {
  const source = { x: 0, y: 0, width: sourceWidth, height: sourceHeight };
  const { x, y, width, height } = placement;
  const cover = Math.max(width / sourceWidth, height / sourceHeight);
  const visible = (width / cover) * (height / cover);
  if (placement.fit === 'cover' && visible >= (1 - MAX_CROP) * sourceWidth * sourceHeight) {
    const w = width / cover;
    const h = height / cover;
    const crop = { x: (sourceWidth - w) / 2, y: (sourceHeight - h) / 2, width: w, height: h };
    return { source: crop, target: { x, y, width, height } };
  }
  const contain = Math.min(width / sourceWidth, height / sourceHeight);
  const scale = enlarge ? contain : Math.min(contain, 1);
  const w = Math.round(sourceWidth * scale);
  const h = Math.round(sourceHeight * scale);
  return {
    source,
    target: {
      x: x + Math.round((width - w) / 2),
      y: y + Math.round((height - h) / 2),
      width: w,
      height: h,
    },
  };
}
