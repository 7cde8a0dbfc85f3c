/** What a video element in the page is really showing: decoded frames and size, not timers. */
import type { Page } from '@playwright/test';

export interface VideoInfo {
  width: number;
  height: number;
  frames: number;
}

export async function videoInfo(page: Page, label: string): Promise<VideoInfo | null> {
  return page.evaluate((name) => {
    const video = [...document.querySelectorAll('video')].find(
      (v) => v.getAttribute('aria-label') === name,
    );
    if (!video) return null;
    return {
      width: video.videoWidth,
      height: video.videoHeight,
      frames: video.getVideoPlaybackQuality().totalVideoFrames,
    };
  }, label);
}

/** Waits until the video labelled `label` has decoded more than `frames` frames (at least `minWidth` wide). */
export async function waitForDecodedFrames(
  page: Page,
  label: string,
  frames = 10,
  minWidth = 1,
): Promise<VideoInfo> {
  await page.waitForFunction(
    ([name, count, width]) => {
      const video = [...document.querySelectorAll('video')].find(
        (v) => v.getAttribute('aria-label') === name,
      );
      return (
        !!video &&
        video.videoWidth >= width &&
        video.getVideoPlaybackQuality().totalVideoFrames > count
      );
    },
    [label, frames, minWidth] as const,
    { timeout: 20_000 },
  );
  const info = await videoInfo(page, label);
  if (!info) throw new Error(`no video labelled ${label}`);
  return info;
}

/** Frames decoded by the video labelled `label` during `ms` milliseconds of wall time. */
export async function framesDuring(page: Page, label: string, ms: number): Promise<number> {
  const before = (await videoInfo(page, label))?.frames ?? 0;
  await page.waitForTimeout(ms);
  const after = (await videoInfo(page, label))?.frames ?? 0;
  return after - before;
}
