import { describe, expect, it } from 'vitest';
import { captureFor, sendQualityFor } from './send-quality.ts';

describe('what a camera sends as the meeting grows', () => {
  it('is 720p30 for two, then less resolution, rate and bitrate per added person', () => {
    const [two, three, four] = [2, 3, 4].map(sendQualityFor);
    expect(two).toMatchObject({ scaleResolutionDownBy: 1, maxFramerate: 30 });
    expect(1280 / (three?.scaleResolutionDownBy ?? 1)).toBe(960);
    expect(720 / (four?.scaleResolutionDownBy ?? 1)).toBe(360);
    expect(two!.maxBitrate).toBeGreaterThan(three!.maxBitrate);
    expect(three!.maxBitrate).toBeGreaterThan(four!.maxBitrate);
    expect(three!.maxFramerate).toBeGreaterThan(four!.maxFramerate);
  });

  it('has the camera capture what is sent, not 720p30 scaled down again by every encoder', () => {
    expect([2, 3, 4].map((people) => captureFor(sendQualityFor(people)))).toEqual([
      { width: 1280, height: 720, frameRate: 30 },
      { width: 960, height: 540, frameRate: 24 },
      { width: 640, height: 360, frameRate: 20 },
    ]);
  });
});
