/**
 * Where each tile of a recorded meeting goes on the canvas, and the drawing of it. The geometry
 * is pure (tested without a DOM); drawTiles() only paints what it computes.
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

/** The small camera tiles beside a screen take this share of the width (160 px of 640). */
const STRIP_SHARE = 1 / 4;
const INSET_MARGIN = 8;
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
    const w = width * STRIP_SHARE;
    const h = (w * 9) / 16;
    const x = width - w - INSET_MARGIN;
    const y = height - h - INSET_MARGIN;
    return [{ x, y, width: w, height: h, fit: 'cover' }, full];
  }
  return grid(kinds.length, width, height);
}

function screenWithStrip(
  count: number,
  screen: number,
  width: number,
  height: number,
): Placement[] {
  const stripWidth = width * STRIP_SHARE;
  const small = count - 1;
  const h = Math.min((stripWidth * 9) / 16, height / small);
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
  const w = width / columns;
  const h = height / rows;
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const inRow = Math.min(columns, count - row * columns);
    const x = (width - inRow * w) / 2 + (i % columns) * w;
    return { x, y: row * h, width: w, height: h, fit: 'cover' as const };
  });
}

/** Which part of a picture to draw where (drawImage's nine-argument form) for a placement. */
export function fitInto(
  sourceWidth: number,
  sourceHeight: number,
  placement: Placement,
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
  const scale = Math.min(width / sourceWidth, height / sourceHeight);
  const w = sourceWidth * scale;
  const h = sourceHeight * scale;
  return {
    source,
    target: { x: x + (width - w) / 2, y: y + (height - h) / 2, width: w, height: h },
  };
}

export interface DrawableTile {
  label: string;
  kind: TileKind;
  /** Null or not yet playing (videoWidth 0): the tile shows its label on a plain card. */
  video: HTMLVideoElement | null;
}

/** Paints one frame: background, then the tiles, largest first so that an inset stays on top. */
export function drawTiles(
  context: CanvasRenderingContext2D,
  tiles: readonly DrawableTile[],
  width: number,
  height: number,
): void {
  context.fillStyle = '#111';
  context.fillRect(0, 0, width, height);
  const placements = layoutTiles(
    tiles.map((tile) => tile.kind),
    width,
    height,
  );
  const area = (i: number) => (placements[i]?.width ?? 0) * (placements[i]?.height ?? 0);
  const order = tiles.map((_, i) => i).sort((a, b) => area(b) - area(a));
  for (const i of order) {
    const tile = tiles[i];
    const place = placements[i];
    if (!tile || !place) continue;
    if (place.fit === 'cover') {
      context.fillStyle = '#222';
      context.fillRect(place.x, place.y, place.width, place.height);
    }
    const video = tile.video;
    if (video && video.videoWidth > 0 && video.videoHeight > 0) {
      const { source, target } = fitInto(video.videoWidth, video.videoHeight, place);
      context.drawImage(
        video,
        source.x,
        source.y,
        source.width,
        source.height,
        target.x,
        target.y,
        target.width,
        target.height,
      );
    }
    drawLabel(context, tile.label, place);
  }
}

/** The person's name, small, in the tile's bottom-left corner, readable on any picture. */
function drawLabel(context: CanvasRenderingContext2D, label: string, place: Rect): void {
  if (!label) return;
  const pad = 4;
  context.font = '11px sans-serif';
  context.textBaseline = 'bottom';
  const maxWidth = place.width - 4 * pad;
  const textWidth = Math.min(context.measureText(label).width, maxWidth);
  const bottom = place.y + place.height - pad;
  context.fillStyle = 'rgba(0, 0, 0, 0.6)';
  context.fillRect(place.x + pad, bottom - 16, textWidth + 2 * pad, 16);
  context.fillStyle = '#fff';
  context.fillText(label, place.x + 2 * pad, bottom - 2, maxWidth);
}
