/**
 * Where a browser's CPU goes while a meeting is steady (bench/meeting.ts with
 * BENCH_MEETING_PROFILE=1): CPU per Chromium process type (SystemInfo.getProcessInfo), each
 * page's main-thread time by kind (Performance.getMetrics) and its JavaScript self time by
 * function (Profiler samples). Prints; asserts nothing. BENCH_MEETING_PROFILE_DIR=<dir> also
 * writes each page's profile there (.cpuprofile, opens in DevTools) and a trace of the first
 * page (.trace.json: which thread of which process does what, e.g. the display compositor).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from '@playwright/test';
import { fixed } from './stats.ts';

interface ProcessInfo {
  type: string;
  id: number;
  cpuTime: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

const METRICS = [
  'TaskDuration',
  'ScriptDuration',
  'LayoutDuration',
  'RecalcStyleDuration',
  'TaskOtherDuration',
] as const;

async function processes(browser: Browser): Promise<ProcessInfo[]> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = await session.send('SystemInfo.getProcessInfo');
    return info.processInfo;
  } finally {
    await session.detach();
  }
}

async function metrics(session: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await session.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Self time (ms) by "function file:line", from a sampled profile. */
export function selfTimes(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const file = frame.url.split('/').pop() ?? '';
    const key = `${frame.functionName || '(anonymous)'} ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
    totals.set(key, (totals.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  return totals;
}

const fileTag = (tag: string) => tag.trim().replace(/\W+/g, '-');

/** A Chromium trace of the first page (every thread of every process, 5 s), for chrome://tracing. */
async function traceFirst(browser: Browser, pages: Page[], file: string): Promise<void> {
  const categories = ['toplevel', 'blink', 'cc', 'viz', 'v8', 'devtools.timeline'];
  await browser.startTracing(pages[0], { categories });
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  writeFileSync(file, await browser.stopTracing());
}

/**
 * Profiles `pages` of `browser` for `ms` and prints, under `tag`: CPU by process type, each
 * page's main-thread times and the top JavaScript self times summed over the pages.
 */
export async function profileSteady(
  tag: string,
  browser: Browser,
  pages: Page[],
  ms: number,
  log: (line: string) => void,
): Promise<void> {
  const dir = process.env.BENCH_MEETING_PROFILE_DIR;
  if (dir) await traceFirst(browser, pages, join(dir, `${fileTag(tag)}.trace.json`));
  const sessions = await Promise.all(pages.map((p) => p.context().newCDPSession(p)));
  for (const s of sessions) {
    await s.send('Performance.enable');
    await s.send('Profiler.enable');
    await s.send('Profiler.setSamplingInterval', { interval: 500 });
  }
  const before = await processes(browser);
  const metricsBefore = await Promise.all(sessions.map(metrics));
  for (const s of sessions) await s.send('Profiler.start');
  await new Promise((resolve) => setTimeout(resolve, ms));
  const profiles = await Promise.all(
    sessions.map(async (s) => (await s.send('Profiler.stop')).profile as unknown as Profile),
  );
  const metricsAfter = await Promise.all(sessions.map(metrics));
  const after = await processes(browser);

  const cpuByType = new Map<string, number>();
  for (const p of after) {
    const was = before.find((b) => b.id === p.id)?.cpuTime ?? 0;
    cpuByType.set(p.type, (cpuByType.get(p.type) ?? 0) + p.cpuTime - was);
  }
  const percent = (seconds: number) => `${fixed((100 * seconds) / (ms / 1000), 1)} %`;
  log(
    `${tag} CPU by process type (% of a core, profiler on): ${[...cpuByType]
      .sort((a, b) => b[1] - a[1])
      .map(([type, s]) => `${type} ${percent(s)}`)
      .join(', ')}`,
  );
  metricsAfter.forEach((m, i) => {
    const was = metricsBefore[i] ?? {};
    log(
      `${tag} page ${i + 1} main thread (wall time, inflated when busy): ${METRICS.map((k) => `${k.replace('Duration', '')} ${percent((m[k] ?? 0) - (was[k] ?? 0))}`).join(', ')}`,
    );
  });
  const totals = new Map<string, number>();
  for (const profile of profiles) {
    for (const [key, t] of selfTimes(profile)) totals.set(key, (totals.get(key) ?? 0) + t);
  }
  const top = [...totals]
    .filter(([key]) => !key.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15);
  log(`${tag} JS self time over ${pages.length} pages, ${ms / 1000} s (ms):`);
  for (const [key, t] of top) log(`${tag}   ${fixed(t, 1).padStart(7)}  ${key}`);
  if (dir) {
    profiles.forEach((profile, i) => {
      writeFileSync(join(dir, `${fileTag(tag)}-${i + 1}.cpuprofile`), JSON.stringify(profile));
    });
  }
  for (const s of sessions) await s.detach().catch(() => undefined);
}
