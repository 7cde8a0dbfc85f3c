/**
 * `npm run bench:meeting`: meetings of 2, 3 and 4 through the real app (renderer + main's
 * services in the test host + server) in Debian's Chromium with fake devices, against the same
 * full mesh of bare pages (no app, no bridge, signaling handed over by this process), their
 * set-ups taken in turn. For each size: set-up time, Chromium CPU per participant while the
 * meeting is steady, and what each participant sends. Prints numbers; asserts nothing, and exits non-zero only when a meeting
 * never formed.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startHarness } from '../server/testing/harness.ts';
import { buildRendererInto } from '../e2e/host/renderer-build.ts';
import { serveRenderer } from '../e2e/host/static-server.ts';
import { BENCH_USERNAMES, openAppMeeting, type AppMeeting } from './support/meeting-app.ts';
import { openBareMeeting, type BareMeeting } from './support/meeting-bare.ts';
import { launchBrowser } from './support/meeting-probes.ts';
import { emptyResult, type RunOptions, type SizeResult } from './support/meeting-types.ts';
import { fixed, percentile } from './support/stats.ts';

/**
 * Timed set-ups per meeting size, of the app and of the bare mesh each. Three were too few: on
 * this 2-core VM one N=4 set-up ranged 600-1500 ms within minutes, and a p50 of three moved the
 * ratio by 0.5 between runs; six still moved it by 0.3.
 */
const REPEATS: Record<number, number> = { 2: 8, 3: 10, 4: 10 };
/** BENCH_MEETING_REPEATS=n: n timed set-ups for every size (quick A/B runs). */
const REPEATS_OVERRIDE = Number(process.env.BENCH_MEETING_REPEATS ?? 0);
const repeatsFor = (size: number) => REPEATS_OVERRIDE || (REPEATS[size] ?? 3);
/** BENCH_MEETING_PROFILE=1: after the CPU window, where the CPU goes (bench/support/page-profile.ts). */
const PROFILE = process.env.BENCH_MEETING_PROFILE === '1';
/**
 * BENCH_MEETING_APP_SCRIPT=<file>: JavaScript run in each app page once the last meeting is up,
 * before the CPU window (an experiment: e.g. a style that hides the self-view).
 */
const APP_SCRIPT = process.env.BENCH_MEETING_APP_SCRIPT;
/**
 * BENCH_MEETING_BARE_LAYOUT=plain: bare pages append their videos at their own size and show no
 * self-view (a cheaper page than any meeting UI: the compositor then scales nothing). By default
 * they show them where the app does (meeting-bare.ts).
 */
const BARE_PLAIN = process.env.BENCH_MEETING_BARE_LAYOUT === 'plain';
/** BENCH_MEETING_TRACE=1: the timeline of each app set-up, every page's steps (meeting-trace.ts). */
const TRACE = process.env.BENCH_MEETING_TRACE === '1';
/** BENCH_MEETING_ONLY_APP=1: the app's meetings only (A/B runs of a change to the app). */
const ONLY_APP = process.env.BENCH_MEETING_ONLY_APP === '1';
const SIZES = (process.env.BENCH_MEETING_SIZES ?? '2,3,4').split(',').map(Number);
const SETTLE_MS = 3_000;
/**
 * CPU is measured after each of the last CPU_WINDOWS set-ups, the app's and the bare one's in
 * turn (one window each after one set-up each had CPU ratios of 0.89-1.32 between runs).
 */
const CPU_WINDOWS = 3;
/** BENCH_MEETING_CPU_MS: each window's length; longer ones average out a busy machine. */
const CPU_WINDOW_MS = Number(process.env.BENCH_MEETING_CPU_MS ?? 5_000);

/**
 * BENCH_MEETING_ANSWER_AFTER_MS=<ms>: the app's invitees answer that long after their dialog
 * shows, as a person would, and "answer → all decode all" is printed too: what is made ready while
 * it rings shows there (the set-up from the click then counts the ring too).
 */
const ANSWER_AFTER_MS = Number(process.env.BENCH_MEETING_ANSWER_AFTER_MS ?? 0);
/**
 * BENCH_MEETING_RENDERER_ROOT=<dir>: the app's renderer built from another copy of the repo
 * (e.g. `git archive HEAD renderer shared | tar -x -C <dir>`, node_modules linked), for A/B.
 */
const RENDERER_ROOT = process.env.BENCH_MEETING_RENDERER_ROOT ?? join(import.meta.dirname, '..');
const RENDERER_OUT = join(import.meta.dirname, '..', 'out', 'bench-meeting-renderer');

// A profile or trace run names functions as written (unminified; its other numbers come from that build).
const buildRenderer = () =>
  buildRendererInto(RENDERER_OUT, { root: RENDERER_ROOT, minify: !PROFILE && !TRACE });

const log = (line = '') => {
  console.log(line ? `[meeting] ${line}` : '');
};
const runOptions = (size: number): RunOptions => ({
  repeats: repeatsFor(size),
  settleMs: SETTLE_MS,
  cpuWindowMs: CPU_WINDOW_MS,
  profile: PROFILE,
  answerAfterMs: ANSWER_AFTER_MS,
  log,
});

// ---------------------------------------------------------------------------------------------
// One size: the app's set-ups and the bare ones taken in turn

/**
 * The app's and the bare meeting of `size`, each in its own browser, set up in turn (app, bare,
 * app, bare…): on a shared 2-core VM the machine's speed drifts within minutes, and a ratio of
 * two runs taken a minute apart measured the drift as much as the app. Each steady window runs
 * after its last set-up, the other browser idle (pages open, no meeting).
 */
async function benchSize(
  size: number,
  server: Awaited<ReturnType<typeof startHarness>>,
  rendererOrigin: string,
  bareUrl: string,
): Promise<{ app: SizeResult; bare: SizeResult | null }> {
  const options = runOptions(size);
  const app = emptyResult();
  const bare = ONLY_APP ? null : emptyResult();
  let appMeeting: AppMeeting | null = null;
  let bareMeeting: BareMeeting | null = null;
  try {
    appMeeting = await openAppMeeting(size, server, rendererOrigin, { ...options, trace: TRACE });
    for (let i = 0; i < options.repeats; i++) {
      const last = i === options.repeats - 1;
      const measured = i >= options.repeats - CPU_WINDOWS;
      // A profile (BENCH_MEETING_PROFILE) of the last window only.
      const steady = { ...options, profile: options.profile && last };
      await appMeeting.setUp(app);
      if (bare && !bareMeeting) {
        // The bare pages show their videos where the app's first page shows them.
        const layout = BARE_PLAIN ? null : await appMeeting.layout();
        bareMeeting = await openBareMeeting(size, bareUrl, layout);
      }
      if (measured) await appMeeting.steady(app, steady, APP_SCRIPT);
      await appMeeting.end();
      if (bare && bareMeeting) {
        await bareMeeting.setUp(bare);
        if (measured) await bareMeeting.steady(bare, steady);
        await bareMeeting.end();
      }
    }
    return { app, bare };
  } finally {
    await appMeeting?.close();
    await bareMeeting?.close();
  }
}

// Output

const sortedP = (values: number[], p: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    p,
  );

function spread(name: string, values: number[]): string {
  return `${name.padEnd(50)} p50 ${fixed(sortedP(values, 50), 0).padStart(5)} ms   p90 ${fixed(sortedP(values, 90), 0).padStart(5)} ms   (n=${values.length})`;
}

function describeSent(sent: SizeResult['sent']): string {
  return sent
    .map(
      ({ name, links }) =>
        `${name}: ${links.length ? links.map((l) => `${l.width}x${l.height}@${fixed(l.fps, 0)}`).join(', ') : 'nothing'}`,
    )
    .join('; ');
}

/**
 * CPU per frame sent (ms of a core), from the same window: on a saturated machine a starved
 * meeting sends fewer frames and so shows less CPU; per frame it does not look cheaper.
 */
function cpuPerFrame(r: SizeResult): number {
  return (10 * r.cpuTotal) / r.framesPerSecond;
}

function report(size: number, kind: 'app' | 'bare', r: SizeResult): void {
  const tag = `N=${size} ${kind.padEnd(4)}`;
  const span =
    kind === 'app'
      ? size === 2
        ? 'Call click → all decode all'
        : `last Add click → all ${size} decode all`
      : `start → all ${size} decode all`;
  log(spread(`${tag} set-up (${span})`, r.setup));
  log(
    `${tag} last to decode, per set-up: ${r.setup.map((ms, i) => `${r.slowest[i] ?? '?'} (${fixed(ms, 0)} ms)`).join('; ')}`,
  );
  if (kind === 'app') log(spread(`${tag} ring (click → invitee's dialog)`, r.ring));
  if (kind === 'app' && ANSWER_AFTER_MS > 0)
    log(
      spread(
        `${tag} Answer click (${ANSWER_AFTER_MS} ms after the dialog) → all decode all`,
        r.fromAnswer,
      ),
    );
  log(`${tag} this Node process during the timed set-ups: ${r.host}`);
  log(
    `${tag} CPU per participant: ${fixed(r.cpuTotal / size, 0)} % of a core  (its whole Chromium ${fixed(r.cpuTotal, 0)} %, the mean of ${r.cpuWindows} windows of ${CPU_WINDOW_MS / 1000} s, ÷ ${size}; Node test process ${fixed(r.hostCpu, 1)} %)`,
  );
  log(
    `${tag} CPU by process kind (% of a core, all N): ${[...r.cpuByKind]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, percent]) => `${kind} ${fixed(percent, 1)}`)
      .join(', ')}`,
  );
  log(`${tag} sent video per link (getStats): ${describeSent(r.sent)}`);
  log(
    `${tag} CPU per frame sent: ${fixed(cpuPerFrame(r), 1)} ms (all Chromium ÷ frames/s over every link)`,
  );
}

async function main(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => fixed(l, 2))
      .join(' ');
  log(`load average at start: ${load()}`);
  process.stdout.write('[meeting] Building the renderer… ');
  await buildRenderer();
  console.log('done.');
  const server = await startHarness({ ringTimeoutMs: 30_000 });
  const renderer = await serveRenderer(RENDERER_OUT);
  const bareUrl = `${renderer.origin}/bench-bare.html`;
  const results = new Map<number, { app: SizeResult; bare: SizeResult }>();
  try {
    for (const username of BENCH_USERNAMES) await server.addUser(username, ['Team']);
    const version = await launchBrowser().then(async (b) => {
      const v = b.version();
      await b.close();
      return v;
    });
    log(
      `Chromium ${version}, fake devices, loopback, full mesh; the app and the bare meeting of each size in two browsers (app: one context per advisor; bare: one context per page), their set-ups taken in turn`,
    );
    log(
      `CPU = every process of the meeting's own Chromium (browser, GPU, renderers), the mean of ${CPU_WINDOWS} windows of ${CPU_WINDOW_MS / 1000} s with the meeting steady (after each of the last ${CPU_WINDOWS} set-ups, app and bare in turn), divided by N; 100 % = one core`,
    );
    log(
      'App invitees answer from an in-page watcher the moment the dialog shows (no human or Playwright delay)',
    );
    log(
      "The app reaches main's services in this process over the test host's bridge, a WebSocket (e2e/host/page-bridge.ts) standing in for Electron's IPC",
    );
    log(
      "Bare meetings grow as the app's do: those already in it send at the smaller meeting's quality, and move to the new size (applyConstraints, setParameters) as the newcomer starts",
    );
    log(
      BARE_PLAIN
        ? 'Bare pages append their videos at their own size, no self-view (BENCH_MEETING_BARE_LAYOUT=plain)'
        : "Bare pages show their videos where the app's first page shows them, scaled, fitted and mirrored the same way",
    );
    for (const size of SIZES) {
      log();
      const { app, bare } = await benchSize(size, server, renderer.origin, bareUrl);
      report(size, 'app', app);
      if (!bare) continue;
      report(size, 'bare', bare);
      results.set(size, { app, bare });
    }
  } finally {
    await renderer.close();
    await server.close();
  }

  log();
  log('Summary (ours/bare, p50 set-up; CPU per participant; targets ≤ 1.2)');
  for (const [size, { app, bare: b }] of results) {
    const setupRatio = sortedP(app.setup, 50) / sortedP(b.setup, 50);
    const cpuRatio = app.cpuTotal / b.cpuTotal;
    const frameRatio = cpuPerFrame(app) / cpuPerFrame(b);
    // Set-up i of the app and of the bare mesh were taken one after the other: a pair.
    const paired = sortedP(
      app.setup.map((ms, i) => ms / (b.setup[i] ?? Number.NaN)),
      50,
    );
    log(
      `N=${size}  set-up ${fixed(sortedP(app.setup, 50), 0).padStart(5)} / ${fixed(sortedP(b.setup, 50), 0).padStart(5)} ms = ${fixed(setupRatio, 2)}${setupRatio <= 1.2 ? '' : ' (over target)'} (p50 of pairs ${fixed(paired, 2)})   CPU/participant ${fixed(app.cpuTotal / size, 0).padStart(3)} / ${fixed(b.cpuTotal / size, 0).padStart(3)} % = ${fixed(cpuRatio, 2)}${cpuRatio <= 1.2 ? '' : ' (over target)'}   per frame sent ${fixed(frameRatio, 2)}`,
    );
  }
  log(`load average at end: ${load()} (2 cores here; numbers under load are noisy)`);
}

try {
  await main();
} catch (error) {
  log(
    `FAILED (a meeting did not form, or the bench could not run): ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
