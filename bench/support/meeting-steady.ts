/**
 * What bench/meeting.ts measures once a meeting (the app's or the bare one) is steady: CPU over
 * the window, what each participant sends, and where the CPU goes when asked to profile.
 */
import type { Browser } from '@playwright/test';
import { browserPid, sentVideo } from './meeting-probes.ts';
import type { Participant, RunOptions, SizeResult } from './meeting-types.ts';
import { profileSteady } from './page-profile.ts';
import { cpuDuring } from './process-cpu.ts';

export async function measureSteady(
  tag: string,
  browser: Browser,
  people: Participant[],
  result: SizeResult,
  options: RunOptions,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  // This browser only: the other (app or bare) sits idle meanwhile, and its idle processes
  // come and go (a camera service ending took its CPU so far out of a sum of all).
  const pid = browserPid(browser);
  if (pid === undefined)
    options.log(`${tag}: its browser process not found; CPU counts every Chromium of this bench`);
  const cpu = await cpuDuring(options.cpuWindowMs, pid);
  // Several windows make one number: the mean of each.
  const n = ++result.cpuWindows;
  const mean = (sofar: number, value: number) => sofar + (value - sofar) / n;
  result.cpuTotal = mean(result.cpuTotal, cpu.chromium);
  for (const kind of new Set([...result.cpuByKind.keys(), ...cpu.byKind.keys()]))
    result.cpuByKind.set(kind, mean(result.cpuByKind.get(kind) ?? 0, cpu.byKind.get(kind) ?? 0));
  result.hostCpu = mean(result.hostCpu, cpu.host);
  result.sent = [];
  for (const p of people) result.sent.push({ name: p.name, links: await sentVideo(p.page) });
  const frames = result.sent.flatMap((s) => s.links).reduce((sum, l) => sum + l.fps, 0);
  result.framesPerSecond = mean(result.framesPerSecond, frames);
  if (options.profile) {
    const pages = people.map((p) => p.page);
    await profileSteady(tag, browser, pages, options.cpuWindowMs, options.log);
  }
}
