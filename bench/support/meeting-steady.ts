/**
 * What bench/meeting.ts measures once a meeting (the app's or the bare one) is steady: CPU over
 * the window, what each participant sends, and where the CPU goes when asked to profile.
 */
import type { Browser } from '@playwright/test';
import { sentVideo } from './meeting-probes.ts';
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
  const cpu = await cpuDuring(options.cpuWindowMs);
  result.cpuTotal = cpu.chromium;
  result.cpuByKind = cpu.byKind;
  result.hostCpu = cpu.host;
  for (const p of people) result.sent.push({ name: p.name, links: await sentVideo(p.page) });
  if (options.profile) {
    const pages = people.map((p) => p.page);
    await profileSteady(tag, browser, pages, options.cpuWindowMs, options.log);
  }
}
