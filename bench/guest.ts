/**
 * `npm run bench:guest`: a client joining from a link, as both sides experience it, in Debian's
 * Chromium with fake devices: the real app (test host) and the real guest page served by the
 * real server. Per run: link opened → the guest page interactive (name field and "Ask to join"
 * usable, from the navigation's start), and Admit clicked → first decoded frame at the advisor
 * and at the guest. Prints p50/p90 over BENCH_GUEST_RUNS (default 10); asserts nothing.
 */
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { launchAdvisor } from '../e2e/host/advisor.ts';
import { buildRenderer, RENDERER_OUT } from '../e2e/host/renderer-build.ts';
import { serveRenderer } from '../e2e/host/static-server.ts';
import { makeInviteLink } from '../e2e/guest-steps.ts';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { createMemoryRateLimiter } from '../server/auth/rate-limit.ts';
import { createMemoryState } from '../server/shared-state.ts';
import { startHarness } from '../server/testing/harness.ts';
import { fixed, percentile } from './support/stats.ts';

const RUNS = Number(process.env.BENCH_GUEST_RUNS ?? 10);
const GUEST = 'Dana Client';

/** Marks when "Ask to join" is first usable (ms since navigation start), and first frames. */
const PROBES = `(() => {
  window.__marks = {};
  const seen = new WeakSet();
  new MutationObserver(() => {
    const ask = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Ask to join');
    if (ask && !ask.disabled && !window.__marks.interactive) window.__marks.interactive = performance.now();
    for (const video of document.querySelectorAll('video')) {
      if (seen.has(video)) continue;
      seen.add(video);
      const key = 'frame:' + (video.getAttribute('aria-label') || '');
      video.requestVideoFrameCallback(() => { if (!window.__marks[key]) window.__marks[key] = Date.now(); });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

const marks = (page: Page): Promise<Record<string, number>> =>
  page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);

async function waitForMark(page: Page, key: string): Promise<number> {
  await page.waitForFunction(
    (k) => (window as unknown as { __marks: Record<string, number> }).__marks[k] !== undefined,
    key,
    { timeout: 30_000 },
  );
  return (await marks(page))[key]!;
}

function summarise(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${name.padEnd(44)} p50 ${fixed(percentile(sorted, 50), 0).padStart(6)} ms   p90 ${fixed(percentile(sorted, 90), 0).padStart(6)} ms   (n=${values.length})`;
}

async function main(): Promise<void> {
  process.stdout.write('Building the renderer and the guest page… ');
  await buildRenderer();
  await build({ configFile: 'vite.guest.config.ts', logLevel: 'warn' });
  console.log('done.');
  // Every run knocks: lift the per-address knock limit (10 a minute) for the bench only.
  const state = {
    ...createMemoryState(),
    knockLimiter: createMemoryRateLimiter({ capacity: 1_000, refillPerSecond: 100 }),
  };
  const server = await startHarness({ ringTimeoutMs: 30_000 }, { state });
  const renderer = await serveRenderer(RENDERER_OUT);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  await server.addUser('avery', ['Team']);
  const avery = await launchAdvisor(browser, {
    username: 'avery',
    serverUrl: server.url,
    rendererOrigin: renderer.origin,
    signedIn: true,
  });
  await avery.context.addInitScript({ content: PROBES });
  await avery.page.reload();
  const link = await makeInviteLink(avery);

  const interactive: number[] = [];
  const toAdvisorFrame: number[] = [];
  const toGuestFrame: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await avery.page.evaluate(() => {
      (window as unknown as { __marks: Record<string, number> }).__marks = {};
    });
    const context = await browser.newContext();
    await context.addInitScript({ content: PROBES });
    const guest = await context.newPage();
    await guest.goto(link);
    interactive.push(await waitForMark(guest, 'interactive'));
    await guest.getByLabel('Your name').fill(GUEST);
    await guest.getByRole('button', { name: 'Ask to join' }).click();
    const admit = avery.page.getByRole('button', { name: `Admit ${GUEST}` });
    await admit.waitFor();
    const admittedAt = await admit.evaluate((button: HTMLButtonElement) => {
      const at = Date.now();
      button.click();
      return at;
    });
    toAdvisorFrame.push((await waitForMark(avery.page, `frame:${GUEST}'s video`)) - admittedAt);
    toGuestFrame.push((await waitForMark(guest, "frame:Avery Tester's video")) - admittedAt);
    await guest.getByRole('button', { name: 'Leave' }).click();
    await avery.page.getByRole('button', { name: 'Hang up' }).waitFor({ state: 'detached' });
    await context.close();
    process.stdout.write('.');
  }
  console.log('\n');
  console.log(summarise('link opened → guest page interactive', interactive));
  console.log(summarise('Admit → first frame decoded at the advisor', toAdvisorFrame));
  console.log(summarise('Admit → first frame decoded at the guest', toGuestFrame));
  await avery.close();
  await browser.close();
  await renderer.close();
  await server.close();
}

await main();
