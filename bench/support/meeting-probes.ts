/**
 * In-page probes of bench/meeting.ts, the same for the app's pages and the bare ones: when each
 * labelled video decodes a new frame, the auto-answer of an incoming call, what is sent, and
 * where the app shows its videos.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config.ts';
import type { Participant, Sent, VideoLayout } from './meeting-types.ts';
import { chromiumChildren } from './process-cpu.ts';

/** A meeting not formed by then is broken, not slow. */
export const FORM_TIMEOUT_MS = 45_000;
export const videoLabel = (name: string) => `${name}'s video`;

const browserPids = new WeakMap<Browser, number>();

/** Launches Chromium (one at a time: its process is the one new child of this one). */
export async function launchBrowser(): Promise<Browser> {
  const before = chromiumChildren();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const started = [...chromiumChildren()].filter((pid) => !before.has(pid));
  if (started.length === 1) browserPids.set(browser, started[0]!);
  return browser;
}

/** The browser process of a browser launchBrowser started (undefined if it could not tell). */
export const browserPid = (browser: Browser): number | undefined => browserPids.get(browser);

/**
 * Starts watching, in the page, for each labelled <video> to decode a frame it had not decoded
 * when the watch began (getVideoPlaybackQuality, as e2e/media.ts counts). A video that appears
 * later, or is replaced by a new element, counts from zero. Stops itself once all are seen.
 */
export async function watchFrames(page: Page, labels: string[]): Promise<void> {
  await page.evaluate((names) => {
    const w = window as unknown as {
      __benchSeen?: Record<string, number>;
      __benchTimer?: ReturnType<typeof setInterval>;
    };
    // Every 5 ms on every page: the page's live list of videos, not a query of the whole page
    // each time (which would cost the app's larger page more than a bare one).
    const videos = document.getElementsByTagName('video');
    const find = (name: string) => {
      for (const video of videos) if (video.getAttribute('aria-label') === name) return video;
      return undefined;
    };
    const start = new Map(
      names.map((name) => {
        const video = find(name);
        return [name, { video, frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0 }];
      }),
    );
    const seen: Record<string, number> = {};
    w.__benchSeen = seen;
    clearInterval(w.__benchTimer);
    const check = () => {
      for (const name of names) {
        if (name in seen) continue;
        const video = find(name);
        if (!video) continue;
        const before = start.get(name);
        const baseline = before?.video === video ? before.frames : 0;
        if (video.getVideoPlaybackQuality().totalVideoFrames > baseline) seen[name] = Date.now();
      }
      if (names.every((name) => name in seen)) clearInterval(w.__benchTimer);
    };
    w.__benchTimer = setInterval(check, 5);
    check();
  }, labels);
}

/** When the page's watch has seen every label: each label's first-new-frame time (epoch ms). */
export async function framesSeen(page: Page, labels: string[]): Promise<Record<string, number>> {
  await page.waitForFunction(
    (names) => {
      const seen = (window as unknown as { __benchSeen?: Record<string, number> }).__benchSeen;
      return !!seen && names.every((name) => name in seen);
    },
    labels,
    { timeout: FORM_TIMEOUT_MS, polling: 50 },
  );
  return page.evaluate(
    () => (window as unknown as { __benchSeen: Record<string, number> }).__benchSeen,
  );
}

export interface MeshFormed {
  /** When the last participant decoded the last other participant (epoch ms). */
  at: number;
  /** Who waited longest, for whom: "Avery Tester ← Casey Tester's video". */
  slowest: string;
}

/** Watches every participant for every other's video; resolves once everyone decodes everyone. */
export async function watchMesh(people: Participant[]): Promise<() => Promise<MeshFormed>> {
  const labelsFor = (me: Participant) =>
    people.filter((p) => p !== me).map((p) => videoLabel(p.name));
  for (const p of people) await watchFrames(p.page, labelsFor(p));
  return async () => {
    const seen = await Promise.all(people.map((p) => framesSeen(p.page, labelsFor(p))));
    let formed: MeshFormed = { at: Number.NEGATIVE_INFINITY, slowest: '' };
    seen.forEach((times, i) => {
      for (const [label, at] of Object.entries(times)) {
        if (at > formed.at) formed = { at, slowest: `${people[i]?.name ?? '?'} ← ${label}` };
      }
    });
    return formed;
  };
}

/**
 * Answers the incoming-call dialog in the page the moment it shows, or `afterMs` later (a person
 * takes a second or two; Playwright's own click adds its own latency). Records when it rang and
 * when it was answered.
 */
export async function armAutoAnswer(page: Page, from: string, afterMs = 0): Promise<void> {
  await page.evaluate(
    ([caller, wait]) => {
      const w = window as unknown as {
        __benchRing?: { ringing: number; answered: number };
        __benchAnswerTimer?: ReturnType<typeof setInterval>;
      };
      const ring = { ringing: 0, answered: 0 };
      w.__benchRing = ring;
      clearInterval(w.__benchAnswerTimer);
      const check = () => {
        const dialog = [...document.querySelectorAll('dialog')].find(
          (d) => d.open && (d.textContent || '').includes(`Incoming call from ${caller}`),
        );
        if (!dialog) return;
        if (!ring.ringing) ring.ringing = Date.now();
        if (Date.now() - ring.ringing < wait) return;
        const answer = [...dialog.querySelectorAll('button')].find(
          (b) => b.textContent.trim() === 'Answer',
        );
        if (!answer || answer.disabled) return;
        ring.answered = Date.now();
        clearInterval(w.__benchAnswerTimer);
        answer.click();
      };
      w.__benchAnswerTimer = setInterval(check, 5);
    },
    [from, afterMs] as const,
  );
}

/** When the page's watcher saw the dialog, and when it clicked Answer (NaN: not yet). */
export async function ringTimes(page: Page): Promise<{ ringing: number; answered: number }> {
  return page.evaluate(() => {
    const ring = (window as unknown as { __benchRing?: { ringing: number; answered: number } })
      .__benchRing;
    return { ringing: ring?.ringing || Number.NaN, answered: ring?.answered || Number.NaN };
  });
}

/** What the page sends on each connected peer connection's camera (getStats outbound-rtp). */
export async function sentVideo(page: Page): Promise<Sent[]> {
  return page.evaluate(async () => {
    const pcs =
      (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const out: { width: number; height: number; fps: number }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video' && Number(s.frameWidth) > 0) {
          out.push({
            width: Number(s.frameWidth),
            height: Number(s.frameHeight),
            fps: Number(s.framesPerSecond ?? 0),
          });
        }
      });
    }
    return out;
  });
}

/** Where the page shows its videos now: my camera ('Your camera') and everyone else's. */
export async function videoLayout(page: Page): Promise<VideoLayout> {
  return page.evaluate(() => {
    const slots = [...document.querySelectorAll('video')].map((video) => {
      const box = video.getBoundingClientRect();
      const style = getComputedStyle(video);
      return {
        label: video.getAttribute('aria-label') ?? '',
        slot: {
          left: box.left,
          top: box.top,
          width: box.width,
          height: box.height,
          objectFit: style.objectFit,
          transform: style.transform,
          borderRadius: style.borderRadius,
        },
      };
    });
    const shown = slots.filter((s) => s.slot.width > 0 && s.slot.height > 0);
    return {
      self: shown.find((s) => s.label === 'Your camera')?.slot ?? null,
      others: shown.filter((s) => s.label.endsWith("'s video")).map((s) => s.slot),
    };
  });
}
