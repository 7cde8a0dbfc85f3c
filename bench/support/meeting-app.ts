/**
 * The app's half of bench/meeting.ts: advisors signed in to the real app (renderer, main's
 * services in the test host, the server), a meeting formed by calling and then adding people
 * through the UI, again and again, the invitees answering from an in-page watcher.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import type { startHarness } from '../../server/testing/harness.ts';
import { launchAdvisor, type Advisor } from '../../e2e/host/advisor.ts';
import { watchHostLoad, type HostLoad } from './host-load.ts';
import {
  armAutoAnswer,
  FORM_TIMEOUT_MS,
  launchBrowser,
  ringTimes,
  videoLayout,
  watchMesh,
} from './meeting-probes.ts';
import { measureSteady } from './meeting-steady.ts';
import { installTrace } from './meeting-trace.ts';
import type { Participant, RunOptions, SizeResult, VideoLayout } from './meeting-types.ts';
import { fixed } from './stats.ts';

/** Signed up by bench/meeting.ts, all in one circle; a meeting of N is the first N. */
export const BENCH_USERNAMES: readonly string[] = ['avery', 'blake', 'casey', 'drew'];
const displayName = (username: string) =>
  `${username.charAt(0).toUpperCase()}${username.slice(1)} Tester`;

async function clickButton(page: Page, name: string, within?: string): Promise<number> {
  const scope = within ? page.getByRole('dialog', { name: within }) : page;
  const button = scope.getByRole('button', { name, exact: true }).and(page.locator(':enabled'));
  await button.waitFor({ timeout: FORM_TIMEOUT_MS });
  return button.evaluate((b) => {
    const at = Date.now();
    (b as HTMLButtonElement).click();
    return at;
  });
}

const asParticipant = (a: Advisor): Participant => ({
  name: displayName(a.username),
  page: a.page,
});

/** The first calls the second; the callee's page answers itself. */
async function callFirst(caller: Advisor, callee: Advisor, answerAfterMs: number): Promise<number> {
  await armAutoAnswer(callee.page, displayName(caller.username), answerAfterMs);
  return clickButton(caller.page, `Call ${displayName(callee.username)}`);
}

/** `inviter` adds `invitee` through Add people; the invitee's page answers itself. */
async function add(inviter: Advisor, invitee: Advisor, answerAfterMs: number): Promise<number> {
  await inviter.page.getByRole('button', { name: 'Add people' }).click();
  await armAutoAnswer(invitee.page, displayName(inviter.username), answerAfterMs);
  return clickButton(inviter.page, `Add ${displayName(invitee.username)}`, 'Add people');
}

/**
 * Builds a meeting of all `advisors` (the first calls the second, then adds the rest in order);
 * returns the set-up time of the last step, its ring time (click → invitee's dialog) and the
 * time from the invitee's Answer click.
 */
async function formMeeting(
  advisors: Advisor[],
  answerAfterMs: number,
  /** This process's load is counted over the last step. */
  host: HostLoad,
  /** Runs just before the last step's click (the trace's main-thread baseline). */
  beforeLastClick: () => Promise<void> = () => Promise.resolve(),
): Promise<{ setup: number; ring: number; fromAnswer: number; slowest: string; clicked: number }> {
  let setup = Number.NaN;
  let ring = Number.NaN;
  let fromAnswer = Number.NaN;
  let slowest = '';
  let lastClick = Number.NaN;
  for (let size = 2; size <= advisors.length; size++) {
    const members = advisors.slice(0, size);
    const newcomer = members.at(-1)!;
    const done = await watchMesh(members.map(asParticipant));
    const last = size === advisors.length;
    if (last) {
      await beforeLastClick();
      host.start();
    }
    const clicked =
      size === 2
        ? await callFirst(advisors[0]!, newcomer, answerAfterMs)
        : await add(advisors[0]!, newcomer, answerAfterMs);
    const formed = await done();
    if (last) host.stop();
    setup = formed.at - clicked;
    slowest = formed.slowest;
    const times = await ringTimes(newcomer.page);
    ring = times.ringing - clicked;
    fromAnswer = formed.at - times.answered;
    lastClick = clicked;
  }
  return { setup, ring, fromAnswer, slowest, clicked: lastClick };
}

/** Clicks the page's Hang up if it shows one (in the page: no actionability waits under load). */
async function hangUp(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find(
      (b) => b.textContent.trim() === 'Hang up',
    );
    button?.click();
    return !!button;
  });
}

/** Everyone hangs up, newest first, until no page shows Hang up; notices are dismissed. */
async function hangUpAll(advisors: Advisor[]): Promise<void> {
  const deadline = Date.now() + FORM_TIMEOUT_MS;
  for (;;) {
    const stillIn: Advisor[] = [];
    for (const advisor of advisors) {
      if (await advisor.page.getByRole('button', { name: 'Hang up' }).count())
        stillIn.push(advisor);
    }
    const newest = stillIn.at(-1);
    if (!newest) break;
    if (Date.now() > deadline) {
      const shows = await newest.page.evaluate(() =>
        [...document.querySelectorAll('button, [role="alert"], [role="status"], h1, h2')]
          .map((e) => `${e.tagName.toLowerCase()}:${e.textContent.trim().slice(0, 60)}`)
          .join(' | '),
      );
      throw new Error(
        `still in the call after hanging up: ${stillIn.map((a) => a.username).join(', ')} (${newest.username}'s page: ${shows})`,
      );
    }
    await hangUp(newest.page);
    await newest.page.waitForTimeout(300);
  }
  for (const advisor of advisors) {
    const dismiss = advisor.page.getByRole('button', { name: 'Dismiss' });
    if (await dismiss.count())
      await dismiss
        .first()
        .click({ timeout: 5_000 })
        .catch(() => undefined);
  }
}

/** One size's app meeting, set up again and again (bench/meeting.ts alternates it with the bare one). */
export interface AppMeeting {
  /** One timed set-up (call, then add the rest); the meeting stays up until end(). */
  setUp(result: SizeResult): Promise<void>;
  /** Where the videos show now, with the meeting up (the bare pages copy it). */
  layout(): Promise<VideoLayout>;
  /** One CPU window, with the meeting up (meeting-steady.ts); `script` runs first in each page. */
  steady(result: SizeResult, options: RunOptions, script?: string): Promise<void>;
  /** Everyone hangs up; the windows sit idle, signed in, while the bare meeting is measured. */
  end(): Promise<void>;
  close(): Promise<void>;
}

export async function openAppMeeting(
  size: number,
  server: Awaited<ReturnType<typeof startHarness>>,
  rendererOrigin: string,
  options: RunOptions & { trace: boolean },
): Promise<AppMeeting> {
  const browser: Browser = await launchBrowser();
  const advisors: Advisor[] = [];
  const close = async () => {
    for (const advisor of advisors) await advisor.close().catch(() => undefined);
    await browser.close();
  };
  const first = () => advisors[0]!;
  const readyToCall = () =>
    first()
      .page.getByRole('button', { name: `Call ${displayName(advisors[1]!.username)}` })
      .and(first().page.locator(':enabled'))
      .waitFor({ timeout: FORM_TIMEOUT_MS });
  try {
    for (const username of BENCH_USERNAMES.slice(0, size)) {
      advisors.push(
        await launchAdvisor(browser, {
          username,
          serverUrl: server.url,
          rendererOrigin,
          signedIn: true,
        }),
      );
    }
    await readyToCall();
  } catch (error) {
    await close();
    throw error;
  }
  const traced = advisors.map((a) => ({ name: a.username, page: a.page }));
  const trace = options.trace ? await installTrace(traced) : null;
  const host = watchHostLoad();
  let count = 0;
  return {
    async setUp(result) {
      const { setup, ring, fromAnswer, slowest, clicked } = await formMeeting(
        advisors,
        options.answerAfterMs,
        host,
        trace?.mark,
      );
      result.setup.push(setup);
      result.fromAnswer.push(fromAnswer);
      result.slowest.push(slowest);
      result.ring.push(ring);
      result.host = host.summary();
      await trace?.print(
        `N=${size} set-up ${++count} (${fixed(setup, 0)} ms)`,
        clicked,
        options.log,
      );
    },
    layout: () => videoLayout(first().page),
    async steady(result, steadyOptions, script) {
      if (script) {
        const source = readFileSync(script, 'utf8');
        for (const advisor of advisors) {
          const answer: unknown = await advisor.page.evaluate(source);
          options.log(
            `N=${size} app  ${script} in ${advisor.username}'s page: ${JSON.stringify(answer)}`,
          );
        }
      }
      const people = advisors.map(asParticipant);
      await measureSteady(`N=${size} app `, browser, people, result, steadyOptions);
    },
    async end() {
      await hangUpAll(advisors);
      await readyToCall();
    },
    close,
  };
}
