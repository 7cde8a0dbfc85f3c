/**
 * One frame of a recording: planned once per layout (where each picture goes, in which order, how
 * wide each name is) and painted from that plan many times, with nothing allocated per frame.
 * After a whole frame, only the tiles whose picture changed are painted again (and any tile drawn
 * over them): the canvas keeps the rest, and each picture drawn costs a conversion of the whole
 * source picture. planFrame() is pure (tested without a DOM); paintFrame() only paints what it
 * planned.
 */
import {
  fitInto,
  layoutTiles,
  type Placement,
  type Rect,
  type TileKind,
} from './recording-layout.ts';

export interface PlannedTile {
  kind: TileKind;
  label: string;
  /** The picture's size now (0 before its first frame). */
  width: number;
  height: number;
}

export interface FrameStep {
  /** Which tile (index into the planned tiles, and into the videos painted). */
  tile: number;
  place: Placement;
  /** Null while the tile has no picture yet: it shows its name on a plain card. */
  picture: { source: Rect; target: Rect; actualSize: boolean } | null;
  label: string;
  labelWidth: number;
  /** The later steps (bit i: step i) drawn over this one's tile, painted again after it. */
  over: number;
}

export interface FramePlan {
  width: number;
  height: number;
  /** The picture sizes it was planned for: a change (a camera switch) needs a new plan. */
  sizes: number[];
  /** Largest first, so that an inset stays on top. */
  steps: FrameStep[];
  font: string;
  labelHeight: number;
}

const BACKGROUND = '#111';
const CARD = '#222';
const LABEL_BACKGROUND = 'rgba(0, 0, 0, 0.6)';

/** Names sized to the frame: 18 px on 720 lines. */
const labelSize = (height: number) => Math.round(height / 40);

export function planFrame(
  tiles: readonly PlannedTile[],
  width: number,
  height: number,
  measure: (label: string, font: string) => number,
): FramePlan {
  const size = labelSize(height);
  const font = `${size}px sans-serif`;
  const placements = layoutTiles(
    tiles.map((tile) => tile.kind),
    width,
    height,
  );
  const area = (i: number) => (placements[i]?.width ?? 0) * (placements[i]?.height ?? 0);
  const order = tiles.map((_, i) => i).sort((a, b) => area(b) - area(a));
  const pad = Math.round(size / 3);
  const steps = order.flatMap((i): FrameStep[] => {
    const tile = tiles[i];
    const place = placements[i];
    if (!tile || !place) return [];
    let picture: FrameStep['picture'] = null;
    if (tile.width > 0 && tile.height > 0) {
      // A screen is never enlarged: a small shared window stays sharp at its own size.
      const fit = fitInto(tile.width, tile.height, place, tile.kind !== 'screen');
      const { source, target } = fit;
      const actualSize =
        source.x === 0 &&
        source.y === 0 &&
        target.width === source.width &&
        target.height === source.height;
      picture = { ...fit, actualSize };
    }
    const labelWidth = Math.min(measure(tile.label, font), place.width - 4 * pad);
    return [{ tile: i, place, picture, label: tile.label, labelWidth, over: 0 }];
  });
  steps.forEach((step, i) => {
    steps.forEach((later, j) => {
      if (j > i && overlap(step.place, later.place)) step.over |= 1 << j;
    });
  });
  return {
    width,
    height,
    sizes: tiles.flatMap((tile) => [tile.width, tile.height]),
    steps,
    font,
    labelHeight: size + 2 * pad,
  };
}

const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether a plan still fits these pictures (same sizes, in the same order). */
export function planFits(
  plan: FramePlan,
  videos: readonly { videoWidth: number; videoHeight: number }[],
): boolean {
  if (plan.sizes.length !== videos.length * 2) return false;
  for (let i = 0; i < videos.length; i++) {
    const video = videos[i];
    if (
      !video ||
      video.videoWidth !== plan.sizes[2 * i] ||
      video.videoHeight !== plan.sizes[2 * i + 1]
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Which steps of a plan to paint, as a mask (bit i: step i): every one without `fresh`, else those
 * whose picture is new (`fresh[tile]`) and those drawn over them.
 */
export function stepsToPaint(plan: FramePlan, fresh: readonly boolean[] | null): number {
  let paint = 0;
  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    if (!step) continue;
    const again = !fresh || (paint & (1 << i)) !== 0 || (!!step.picture && !!fresh[step.tile]);
    if (again) paint |= (1 << i) | step.over;
  }
  return paint;
}

/**
 * Paints a frame from its plan: the whole frame (background, then each tile and its name), or
 * with `fresh` (which videos have a new frame) only what changed.
 */
export function paintFrame(
  context: CanvasRenderingContext2D,
  plan: FramePlan,
  videos: readonly HTMLVideoElement[],
  fresh: readonly boolean[] | null = null,
): void {
  const paint = stepsToPaint(plan, fresh);
  if (paint === 0) return;
  if (!fresh) {
    context.fillStyle = BACKGROUND;
    context.fillRect(0, 0, plan.width, plan.height);
  }
  context.font = plan.font;
  context.textBaseline = 'bottom';
  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    if (step && (paint & (1 << i)) !== 0) paintStep(context, plan, step, videos[step.tile]);
  }
}

function paintStep(
  context: CanvasRenderingContext2D,
  plan: FramePlan,
  step: FrameStep,
  video: HTMLVideoElement | undefined,
): void {
  const { place, picture } = step;
  const pad = (plan.labelHeight - labelSize(plan.height)) / 2;
  const bottom = place.y + place.height - pad;
  // The name's backing, at the bottom left of the tile.
  const nameX = place.x + pad;
  const nameY = bottom - plan.labelHeight;
  const nameWidth = step.labelWidth + 2 * pad;
  if (place.fit === 'cover') {
    context.fillStyle = CARD;
    context.fillRect(place.x, place.y, place.width, place.height);
  } else if (step.label) {
    // The backing is translucent and may lie beside the picture: what is under it comes first.
    context.fillStyle = BACKGROUND;
    context.fillRect(nameX, nameY, nameWidth, plan.labelHeight);
  }
  if (video && picture) {
    const { source: s, target: t } = picture;
    // At its own size the picture is copied, not resampled.
    if (picture.actualSize) context.drawImage(video, t.x, t.y);
    else context.drawImage(video, s.x, s.y, s.width, s.height, t.x, t.y, t.width, t.height);
  }
  if (!step.label) return;
  context.fillStyle = LABEL_BACKGROUND;
  context.fillRect(nameX, nameY, nameWidth, plan.labelHeight);
  context.fillStyle = '#fff';
  context.fillText(step.label, place.x + 2 * pad, bottom - pad, step.labelWidth);
}
