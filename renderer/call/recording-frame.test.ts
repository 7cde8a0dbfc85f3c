import { describe, expect, it } from 'vitest';
import { planFits, planFrame, stepsToPaint, type PlannedTile } from './recording-frame.ts';

const W = 1280;
const H = 720;
/** 10 px per character, whatever the font: enough to tell long names from short ones. */
const measure = (label: string) => label.length * 10;

const screen = (width: number, height: number): PlannedTile => ({
  kind: 'screen',
  label: 'My screen',
  width,
  height,
});
const camera = (label: string, width = 1280, height = 720): PlannedTile => ({
  kind: 'camera',
  label,
  width,
  height,
});

describe('planFrame', () => {
  it('paints a shared 1080p screen first and large, then the cameras beside it, each named', () => {
    const plan = planFrame(
      [screen(1920, 1080), camera('Me'), camera('Blake Tester')],
      W,
      H,
      measure,
    );
    expect(plan.steps.map((s) => s.tile)).toEqual([0, 1, 2]);
    const [shared, me, blake] = plan.steps;
    expect(shared?.picture?.target).toEqual({ x: 0, y: 72, width: 1024, height: 576 });
    expect(shared?.picture?.actualSize).toBe(false);
    expect(me?.place).toMatchObject({ x: 1024, y: 432, width: 256, height: 144 });
    // A 16:9 camera fills its 16:9 tile exactly.
    expect(blake?.picture?.target).toEqual({ x: 1024, y: 576, width: 256, height: 144 });
    expect(plan.steps.map((s) => [s.label, s.labelWidth])).toEqual([
      ['My screen', 90],
      ['Me', 20],
      ['Blake Tester', 120],
    ]);
    expect(plan.font).toBe('18px sans-serif');
  });

  it('copies a screen that fits its area at its own size, without resampling it', () => {
    const plan = planFrame([screen(1024, 576), camera('Me')], W, H, measure);
    expect(plan.steps[0]?.picture).toMatchObject({
      target: { x: 0, y: 72, width: 1024, height: 576 },
      actualSize: true,
    });
  });

  it('puts the inset on top of the camera that fills the frame', () => {
    const plan = planFrame([camera('Me'), camera('Blake Tester')], W, H, measure);
    // Largest first: Blake fills the frame, my inset is painted after, over it.
    expect(plan.steps.map((s) => s.tile)).toEqual([1, 0]);
  });

  it('shows a name on a card until a picture comes, and keeps a long name inside its tile', () => {
    const long = 'A'.repeat(60);
    const plan = planFrame([screen(0, 0), camera(long)], W, H, measure);
    expect(plan.steps[0]?.picture).toBeNull();
    const small = plan.steps[1];
    expect(small?.labelWidth).toBeLessThan(small?.place.width ?? 0);
  });
});

describe('planFits', () => {
  const video = (videoWidth: number, videoHeight: number) => ({ videoWidth, videoHeight });

  it('holds while the pictures keep their sizes, and not after a camera switch or a new tile', () => {
    const plan = planFrame([camera('Me', 640, 480), camera('Blake')], W, H, measure);
    expect(planFits(plan, [video(640, 480), video(1280, 720)])).toBe(true);
    expect(planFits(plan, [video(1280, 720), video(1280, 720)])).toBe(false);
    expect(planFits(plan, [video(640, 480)])).toBe(false);
  });
});

describe('stepsToPaint', () => {
  /** The steps painted, by tile, for these new pictures (null: the whole frame). */
  const painted = (plan: ReturnType<typeof planFrame>, fresh: boolean[] | null) => {
    const mask = stepsToPaint(plan, fresh);
    return plan.steps.filter((_, i) => (mask & (1 << i)) !== 0).map((step) => step.tile);
  };

  it('paints the whole frame, then only the tiles whose picture is new', () => {
    const plan = planFrame(
      [screen(1024, 576), camera('Me'), camera('Blake Tester')],
      W,
      H,
      measure,
    );
    expect(painted(plan, null)).toEqual([0, 1, 2]);
    // Blake's camera moved, my screen and camera did not: the canvas keeps them.
    expect(painted(plan, [false, false, true])).toEqual([2]);
    expect(painted(plan, [true, true, false])).toEqual([0, 1]);
    expect(painted(plan, [false, false, false])).toEqual([]);
  });

  it('paints the inset again over the camera under it, and the inset alone when only it moved', () => {
    const plan = planFrame([camera('Me'), camera('Blake Tester')], W, H, measure);
    // Steps: Blake (the whole frame), then my inset over it.
    expect(painted(plan, [false, true])).toEqual([1, 0]);
    expect(painted(plan, [true, false])).toEqual([0]);
  });

  it('paints a grid tile alone: tiles side by side cover nothing of each other', () => {
    const plan = planFrame([camera('A'), camera('B'), camera('C'), camera('D')], W, H, measure);
    expect(plan.steps.map((step) => step.over)).toEqual([0, 0, 0, 0]);
    expect(painted(plan, [false, false, true, false])).toEqual([2]);
  });

  it('leaves a name card as it is until its first picture comes (a new plan then)', () => {
    const plan = planFrame([screen(0, 0), camera('Me')], W, H, measure);
    expect(painted(plan, [true, false])).toEqual([]);
  });
});
