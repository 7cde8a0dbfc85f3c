/**
 * `npm run bench:meeting`: meetings of 2, 3 and 4 through the real app (renderer + main's
 * services in the test host + server) in Debian's Chromium with fake devices, against the same
 * full mesh of bare pages (no app, no bridge, signaling handed over by this process). For each
 * size: set-up time, Chromium CPU per participant while the meeting is steady, and what each
 * participant sends. Prints numbers; asserts nothing, and exits non-zero only when a meeting
 * never formed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { startHarness } from '../server/testing/harness.ts';
import { launchAdvisor, type Advisor } from '../e2e/host/advisor.ts';
import { buildRendererInto } from '../e2e/host/renderer-build.ts';
import { serveRenderer } from '../e2e/host/static-server.ts';
import { sendQualityFor } from '../renderer/call/send-quality.ts';
import { profileSteady } from './support/page-profile.ts';
import { fixed, percentile } from './support/stats.ts';

/** Timed set-ups per meeting size (kept small: the whole bench should fit in ~10 min on 2 cores). */
const REPEATS: Record<number, number> = { 2: 5, 3: 3, 4: 3 };
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
/** BENCH_MEETING_BARE_LAYOUT=app: bare pages show their videos as the app does (installBare). */
const BARE_APP_LAYOUT = process.env.BENCH_MEETING_BARE_LAYOUT === 'app';
/** BENCH_MEETING_ONLY_APP=1: the app's meetings only (A/B runs of a change to the app). */
const ONLY_APP = process.env.BENCH_MEETING_ONLY_APP === '1';
const SIZES = (process.env.BENCH_MEETING_SIZES ?? '2,3,4').split(',').map(Number);
const SETTLE_MS = 3_000;
/** BENCH_MEETING_CPU_MS: a longer window averages out a busy machine. */
const CPU_WINDOW_MS = Number(process.env.BENCH_MEETING_CPU_MS ?? 10_000);
/** A meeting not formed by then is broken, not slow. */
const FORM_TIMEOUT_MS = 45_000;
const USERNAMES = ['avery', 'blake', 'casey', 'drew'];
const displayName = (username: string) =>
  `${username.charAt(0).toUpperCase()}${username.slice(1)} Tester`;
const videoLabel = (name: string) => `${name}'s video`;

/**
 * BENCH_MEETING_RENDERER_ROOT=<dir>: the app's renderer built from another copy of the repo
 * (e.g. `git archive HEAD renderer shared | tar -x -C <dir>`, node_modules linked), for A/B.
 */
const RENDERER_ROOT = process.env.BENCH_MEETING_RENDERER_ROOT ?? join(import.meta.dirname, '..');
const RENDERER_OUT = join(import.meta.dirname, '..', 'out', 'bench-meeting-renderer');

// A profile run names functions as written (unminified; its other numbers come from that build).
const buildRenderer = () =>
  buildRendererInto(RENDERER_OUT, { root: RENDERER_ROOT, minify: !PROFILE });

const log = (line = '') => {
  console.log(line ? `[meeting] ${line}` : '');
};

interface Participant {
  name: string;
  page: Page;
}

interface Sent {
  width: number;
  height: number;
  fps: number;
}

interface SizeResult {
  setup: number[];
  /** Per set-up, who waited longest for whom. */
  slowest: string[];
  ring: number[];
  cpuTotal: number;
  /** The same, by Chromium process kind. */
  cpuByKind: Map<string, number>;
  hostCpu: number;
  sent: { name: string; links: Sent[] }[];
}

// ---------------------------------------------------------------------------------------------
// In-page probes (the same for the app and the bare pages)

/**
 * Starts watching, in the page, for each labelled <video> to decode a frame it had not decoded
 * when the watch began (getVideoPlaybackQuality, as e2e/media.ts counts). A video that appears
 * later, or is replaced by a new element, counts from zero. Stops itself once all are seen.
 */
async function watchFrames(page: Page, labels: string[]): Promise<void> {
  await page.evaluate((names) => {
    const w = window as unknown as {
      __benchSeen?: Record<string, number>;
      __benchTimer?: ReturnType<typeof setInterval>;
    };
    const find = (name: string) =>
      [...document.querySelectorAll('video')].find((v) => v.getAttribute('aria-label') === name);
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
async function framesSeen(page: Page, labels: string[]): Promise<Record<string, number>> {
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

interface MeshFormed {
  /** When the last participant decoded the last other participant (epoch ms). */
  at: number;
  /** Who waited longest, for whom: "Avery Tester ← Casey Tester's video". */
  slowest: string;
}

/** Watches every participant for every other's video; resolves once everyone decodes everyone. */
async function watchMesh(people: Participant[]): Promise<() => Promise<MeshFormed>> {
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
 * Answers the incoming-call dialog in the page the moment it shows (a person would take longer;
 * Playwright's own click adds its own latency). Records when it rang and when it was answered.
 */
async function armAutoAnswer(page: Page, from: string): Promise<void> {
  await page.evaluate((caller) => {
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
      const answer = [...dialog.querySelectorAll('button')].find(
        (b) => b.textContent.trim() === 'Answer',
      );
      if (!answer || answer.disabled) return;
      ring.answered = Date.now();
      clearInterval(w.__benchAnswerTimer);
      answer.click();
    };
    w.__benchAnswerTimer = setInterval(check, 5);
  }, from);
}

async function ringedAt(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { __benchRing?: { ringing: number } }).__benchRing?.ringing ??
      Number.NaN,
  );
}

/** What the page sends on each connected peer connection's camera (getStats outbound-rtp). */
async function sentVideo(page: Page): Promise<Sent[]> {
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

// ---------------------------------------------------------------------------------------------
// CPU: this bench's own Chromium only (other people's browsers on the machine are not counted)

function cpuSecondsOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** What a Chromium process is, from its command line: renderer, gpu, audio, network, browser… */
function kindOf(cmdline: string): string {
  // Chromium rewrites its title: the arguments may be one space-separated string.
  const args = cmdline.split(/[\0 ]/);
  const arg = (name: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
  const type = arg('type');
  if (type === null) return 'browser';
  if (type === 'gpu-process') return 'gpu';
  if (type !== 'utility') return type;
  const sub = arg('utility-sub-type') ?? 'utility';
  return sub.replace(/\.mojom\.\w+$/, '').replace(/_/g, '-');
}

/**
 * CPU seconds of every Chromium process descended from this Node process, by kind (browser,
 * gpu: the display compositor with --disable-gpu, renderer, audio, network, video-capture).
 */
function ourChromiumCpuSeconds(): Map<string, number> {
  const parent = new Map<string, string>();
  const command = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '');
      command.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // the process ended meanwhile
    }
  }
  const me = String(process.pid);
  const ours = (pid: string): boolean => {
    for (let p: string | undefined = pid, hops = 0; p && p !== '0' && hops < 64; hops++) {
      if (p === me) return true;
      p = parent.get(p);
    }
    return false;
  };
  const byKind = new Map<string, number>();
  for (const [pid, cmd] of command) {
    if (!cmd.includes('chromium') || !ours(pid)) continue;
    try {
      const kind = kindOf(cmd);
      byKind.set(kind, (byKind.get(kind) ?? 0) + cpuSecondsOf(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return byKind;
}

const sum = (byKind: Map<string, number>) => [...byKind.values()].reduce((a, b) => a + b, 0);

/** % of one core used by our Chromium (all of it, and by kind) and by this Node process, during `ms`. */
async function cpuDuring(
  ms: number,
): Promise<{ chromium: number; byKind: Map<string, number>; host: number }> {
  const before = ourChromiumCpuSeconds();
  const hostBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const host = process.cpuUsage(hostBefore);
  const after = ourChromiumCpuSeconds();
  const percent = (seconds: number) => (100 * seconds) / (ms / 1000);
  const byKind = new Map(
    [...after].map(([kind, seconds]) => [kind, percent(seconds - (before.get(kind) ?? 0))]),
  );
  return {
    chromium: percent(sum(after) - sum(before)),
    byKind,
    host: percent((host.user + host.system) / 1e6),
  };
}

// ---------------------------------------------------------------------------------------------
// The app

async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

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
async function callFirst(caller: Advisor, callee: Advisor): Promise<number> {
  await armAutoAnswer(callee.page, displayName(caller.username));
  return clickButton(caller.page, `Call ${displayName(callee.username)}`);
}

/** `inviter` adds `invitee` through Add people; the invitee's page answers itself. */
async function add(inviter: Advisor, invitee: Advisor): Promise<number> {
  await inviter.page.getByRole('button', { name: 'Add people' }).click();
  await armAutoAnswer(invitee.page, displayName(inviter.username));
  return clickButton(inviter.page, `Add ${displayName(invitee.username)}`, 'Add people');
}

/**
 * Builds a meeting of all `advisors` (the first calls the second, then adds the rest in order);
 * returns the set-up time of the last step and its ring time (click → invitee's dialog).
 */
async function formMeeting(
  advisors: Advisor[],
): Promise<{ setup: number; ring: number; slowest: string }> {
  let setup = Number.NaN;
  let ring = Number.NaN;
  let slowest = '';
  for (let size = 2; size <= advisors.length; size++) {
    const members = advisors.slice(0, size);
    const newcomer = members.at(-1)!;
    const done = await watchMesh(members.map(asParticipant));
    const clicked =
      size === 2 ? await callFirst(advisors[0]!, newcomer) : await add(advisors[0]!, newcomer);
    const formed = await done();
    setup = formed.at - clicked;
    slowest = formed.slowest;
    ring = (await ringedAt(newcomer.page)) - clicked;
  }
  return { setup, ring, slowest };
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

async function benchApp(
  size: number,
  server: Awaited<ReturnType<typeof startHarness>>,
  rendererOrigin: string,
): Promise<SizeResult> {
  const browser = await launchBrowser();
  const advisors: Advisor[] = [];
  try {
    for (const username of USERNAMES.slice(0, size)) {
      advisors.push(
        await launchAdvisor(browser, {
          username,
          serverUrl: server.url,
          rendererOrigin,
          signedIn: true,
        }),
      );
    }
    const [first, second] = advisors;
    await first!.page
      .getByRole('button', { name: `Call ${displayName(second!.username)}` })
      .and(first!.page.locator(':enabled'))
      .waitFor({ timeout: FORM_TIMEOUT_MS });

    const result: SizeResult = {
      setup: [],
      slowest: [],
      ring: [],
      cpuTotal: 0,
      cpuByKind: new Map(),
      hostCpu: 0,
      sent: [],
    };
    const repeats = repeatsFor(size);
    for (let i = 0; i < repeats; i++) {
      const { setup, ring, slowest } = await formMeeting(advisors);
      result.setup.push(setup);
      result.slowest.push(slowest);
      result.ring.push(ring);
      if (i === repeats - 1) {
        if (APP_SCRIPT) {
          const script = readFileSync(APP_SCRIPT, 'utf8');
          for (const advisor of advisors) {
            const answer: unknown = await advisor.page.evaluate(script);
            log(
              `N=${size} app  ${APP_SCRIPT} in ${advisor.username}'s page: ${JSON.stringify(answer)}`,
            );
          }
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const cpu = await cpuDuring(CPU_WINDOW_MS);
        result.cpuTotal = cpu.chromium;
        result.cpuByKind = cpu.byKind;
        result.hostCpu = cpu.host;
        for (const advisor of advisors) {
          result.sent.push({
            name: displayName(advisor.username),
            links: await sentVideo(advisor.page),
          });
        }
        if (PROFILE) {
          const pages = advisors.map((a) => a.page);
          await profileSteady(`N=${size} app `, browser, pages, CPU_WINDOW_MS, log);
        }
      }
      await hangUpAll(advisors);
      await first!.page
        .getByRole('button', { name: `Call ${displayName(second!.username)}` })
        .and(first!.page.locator(':enabled'))
        .waitFor({ timeout: FORM_TIMEOUT_MS });
    }
    return result;
  } finally {
    for (const advisor of advisors) await advisor.close().catch(() => undefined);
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Bare pages: the same mesh with nothing but getUserMedia and RTCPeerConnection

interface BareApi {
  open(width: number, height: number, fps: number, maxBitrate: number): Promise<void>;
  offer(peer: string): Promise<RTCSessionDescriptionInit>;
  answer(peer: string, offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  accept(peer: string, answer: RTCSessionDescriptionInit): Promise<void>;
  candidate(peer: string, candidate: RTCIceCandidateInit): Promise<void>;
  /** Hangs up: every connection closed, the camera stopped, the videos gone. */
  reset(): void;
}

/**
 * Runs in a bare page: defines `window.__bare`, the page's whole WebRTC side. `appLayout`: the
 * videos in the app's grid, scaled into tiles, with a mirrored self-view (BENCH_MEETING_BARE_LAYOUT),
 * to tell what the app costs beyond showing the same videos the same way.
 */
function installBare(appLayout: boolean): void {
  const w = window as unknown as {
    __bare: BareApi;
    __peerConnections: RTCPeerConnection[];
    __benchSignal: (to: string, candidate: RTCIceCandidateInit) => Promise<void>;
  };
  const pcs = new Map<string, RTCPeerConnection>();
  const early = new Map<string, RTCIceCandidateInit[]>();
  let stream: MediaStream | null = null;
  let encoding: RTCRtpEncodingParameters = {};
  w.__peerConnections = [];
  if (appLayout) {
    const style = document.createElement('style');
    // The app's stage at 1280x800 for three or four: two columns of tiles about 614x352.
    style.textContent = `body { margin: 0; padding: 8px; display: grid; gap: 8px;
      grid-template-columns: 1fr 1fr; grid-auto-rows: 352px; background: #11151a; }
      video { width: 100%; height: 100%; object-fit: contain; border-radius: 6px; background: #000; }
      video.self { object-fit: cover; transform: scaleX(-1); }`;
    document.head.append(style);
  }

  const connection = (peer: string): RTCPeerConnection => {
    const existing = pcs.get(peer);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: [] });
    pcs.set(peer, pc);
    w.__peerConnections.push(pc);
    pc.onicecandidate = (e) => {
      if (e.candidate) void w.__benchSignal(peer, e.candidate.toJSON());
    };
    pc.ontrack = (e) => {
      const media = document.createElement(e.track.kind === 'video' ? 'video' : 'audio');
      if (e.track.kind === 'video') {
        media.muted = true;
        media.setAttribute('aria-label', `${peer}'s video`);
      }
      media.autoplay = true;
      media.srcObject = new MediaStream([e.track]);
      document.body.append(media);
      void media.play().catch(() => undefined);
    };
    return pc;
  };
  // As the app does: the camera keeps its resolution, within the size's frame rate and bitrate.
  const tune = async (pc: RTCPeerConnection) => {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== 'video') continue;
      const parameters = sender.getParameters();
      parameters.degradationPreference = 'maintain-resolution';
      const [first] = parameters.encodings;
      if (first) Object.assign(first, encoding);
      await sender.setParameters(parameters).catch(() => undefined);
    }
  };
  const addLocal = (pc: RTCPeerConnection) => {
    if (!stream) throw new Error('camera not open');
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
  };
  const flush = async (peer: string, pc: RTCPeerConnection) => {
    // A late candidate of a previous set-up fails here, harmlessly.
    for (const c of early.get(peer) ?? []) await pc.addIceCandidate(c).catch(() => undefined);
    early.delete(peer);
  };

  w.__bare = {
    async open(width, height, fps, maxBitrate) {
      encoding = { maxBitrate, maxFramerate: fps };
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true },
        video: {
          width: { ideal: width, max: width },
          height: { ideal: height, max: height },
          frameRate: { ideal: fps, max: fps },
        },
      });
      if (appLayout) {
        const self = document.createElement('video');
        self.className = 'self';
        self.muted = true;
        self.autoplay = true;
        self.srcObject = stream;
        document.body.append(self);
        void self.play().catch(() => undefined);
      }
    },
    async offer(peer) {
      const pc = connection(peer);
      addLocal(pc);
      await pc.setLocalDescription(await pc.createOffer());
      await tune(pc);
      return pc.localDescription!.toJSON();
    },
    async answer(peer, offer) {
      const pc = connection(peer);
      await pc.setRemoteDescription(offer);
      await flush(peer, pc);
      addLocal(pc);
      await pc.setLocalDescription(await pc.createAnswer());
      await tune(pc);
      return pc.localDescription!.toJSON();
    },
    async accept(peer, answer) {
      const pc = connection(peer);
      await pc.setRemoteDescription(answer);
      await flush(peer, pc);
    },
    async candidate(peer, candidate) {
      const pc = pcs.get(peer);
      if (!pc?.remoteDescription) {
        early.set(peer, [...(early.get(peer) ?? []), candidate]);
        return;
      }
      await pc.addIceCandidate(candidate).catch(() => undefined);
    },
    reset() {
      for (const pc of pcs.values()) pc.close();
      pcs.clear();
      early.clear();
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = null;
      for (const media of document.querySelectorAll('video, audio')) media.remove();
    },
  };
}

interface BarePage extends Participant {
  context: BrowserContext;
}

async function openBare(size: number, page: Page): Promise<void> {
  const q = sendQualityFor(size);
  const width = Math.round(1280 / q.scaleResolutionDownBy);
  const height = Math.round(720 / q.scaleResolutionDownBy);
  await page.evaluate(
    async ([w, h, fps, bitrate]) => {
      await (window as unknown as { __bare: BareApi }).__bare.open(w, h, fps, bitrate);
    },
    [width, height, q.maxFramerate, q.maxBitrate] as const,
  );
}

/** Offer/answer between two bare pages, handed over by this process (candidates trickle). */
async function link(offerer: BarePage, answerer: BarePage): Promise<void> {
  const offer = await offerer.page.evaluate(
    (peer) => (window as unknown as { __bare: BareApi }).__bare.offer(peer),
    answerer.name,
  );
  const answer = await answerer.page.evaluate(
    ([peer, description]) =>
      (window as unknown as { __bare: BareApi }).__bare.answer(peer, description),
    [offerer.name, offer] as const,
  );
  await offerer.page.evaluate(
    ([peer, description]) =>
      (window as unknown as { __bare: BareApi }).__bare.accept(peer, description),
    [answerer.name, answer] as const,
  );
}

/** `size` blank pages, each in its own context (as each advisor has one), with `window.__bare`. */
async function openBarePages(browser: Browser, size: number, url: string): Promise<BarePage[]> {
  const pages: BarePage[] = [];
  for (let i = 0; i < size; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.route(url, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bare</title>' }),
    );
    const name = `Bare ${i + 1}`;
    const entry: BarePage = { name, context, page: await context.newPage() };
    await context.exposeBinding(
      '__benchSignal',
      async (_source, to: string, candidate: RTCIceCandidateInit) => {
        const target = pages.find((p) => p.name === to);
        await target?.page.evaluate(
          ([from, c]) => (window as unknown as { __bare: BareApi }).__bare.candidate(from, c),
          [name, candidate] as const,
        );
      },
    );
    await entry.page.goto(url);
    await entry.page.evaluate(installBare, BARE_APP_LAYOUT);
    pages.push(entry);
  }
  return pages;
}

/**
 * Timed set-ups of a bare mesh of `size`: the first `size - 1` pages are already in a mesh
 * (untimed), as the app's participants are before the last one is added; at start the newcomer
 * opens its camera and offers to each of them. For two, as in a 1:1 call, the caller opens its
 * camera and offers, then the callee opens its camera and answers.
 */
async function benchBare(size: number, url: string): Promise<SizeResult> {
  const browser = await launchBrowser();
  try {
    const result: SizeResult = {
      setup: [],
      slowest: [],
      ring: [],
      cpuTotal: 0,
      cpuByKind: new Map(),
      hostCpu: 0,
      sent: [],
    };
    const repeats = repeatsFor(size);
    // The pages stay open across set-ups, as the app's windows do; each set-up starts cold.
    const pages = await openBarePages(browser, size, url);
    for (let i = 0; i < repeats; i++) {
      for (const p of pages) {
        await p.page.evaluate(() => {
          (window as unknown as { __bare: BareApi }).__bare.reset();
        });
      }
      const existing = pages.slice(0, -1);
      const newcomer = pages.at(-1)!;
      if (size > 2) {
        for (const p of existing) await openBare(size, p.page);
        for (let a = 0; a < existing.length; a++) {
          for (let b = a + 1; b < existing.length; b++) await link(existing[a]!, existing[b]!);
        }
        await (
          await watchMesh(existing)
        )();
      }
      const done = await watchMesh(pages);
      const start = Date.now();
      if (size === 2) {
        await openBare(size, existing[0]!.page);
        const description = await existing[0]!.page.evaluate(
          (peer) => (window as unknown as { __bare: BareApi }).__bare.offer(peer),
          newcomer.name,
        );
        await openBare(size, newcomer.page);
        const answer = await newcomer.page.evaluate(
          ([peer, d]) => (window as unknown as { __bare: BareApi }).__bare.answer(peer, d),
          [existing[0]!.name, description] as const,
        );
        await existing[0]!.page.evaluate(
          ([peer, d]) => (window as unknown as { __bare: BareApi }).__bare.accept(peer, d),
          [newcomer.name, answer] as const,
        );
      } else {
        await openBare(size, newcomer.page);
        await Promise.all(existing.map((p) => link(newcomer, p)));
      }
      const formed = await done();
      result.setup.push(formed.at - start);
      result.slowest.push(formed.slowest);
      if (i === repeats - 1) {
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const cpu = await cpuDuring(CPU_WINDOW_MS);
        result.cpuTotal = cpu.chromium;
        result.cpuByKind = cpu.byKind;
        result.hostCpu = cpu.host;
        for (const p of pages) result.sent.push({ name: p.name, links: await sentVideo(p.page) });
        if (PROFILE) {
          const all = pages.map((p) => p.page);
          await profileSteady(`N=${size} bare`, browser, all, CPU_WINDOW_MS, log);
        }
      }
    }
    for (const p of pages) await p.context.close();
    return result;
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
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
  const framesPerSecond = r.sent.flatMap((s) => s.links).reduce((sum, l) => sum + l.fps, 0);
  return (10 * r.cpuTotal) / framesPerSecond;
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
  log(
    `${tag} CPU per participant: ${fixed(r.cpuTotal / size, 0)} % of a core  (whole Chromium of this bench ${fixed(r.cpuTotal, 0)} % over ${CPU_WINDOW_MS / 1000} s, ÷ ${size}; Node test process ${fixed(r.hostCpu, 1)} %)`,
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
    for (const username of USERNAMES) await server.addUser(username, ['Team']);
    const version = await launchBrowser().then(async (b) => {
      const v = b.version();
      await b.close();
      return v;
    });
    log(
      `Chromium ${version}, fake devices, loopback, full mesh; each size in its own browser (app: one context per advisor; bare: one context per page)`,
    );
    log(
      `CPU = every Chromium process of this bench (browser, GPU, renderers) over ${CPU_WINDOW_MS / 1000} s with the meeting steady, divided by N; 100 % = one core`,
    );
    log(
      'App invitees answer from an in-page watcher the moment the dialog shows (no human or Playwright delay)',
    );
    if (BARE_APP_LAYOUT) {
      log('Bare pages show their videos as the app does: a grid of scaled tiles and a self-view');
    }
    for (const size of SIZES) {
      log();
      const app = await benchApp(size, server, renderer.origin);
      report(size, 'app', app);
      if (ONLY_APP) continue;
      const bareResult = await benchBare(size, bareUrl);
      report(size, 'bare', bareResult);
      results.set(size, { app, bare: bareResult });
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
    log(
      `N=${size}  set-up ${fixed(sortedP(app.setup, 50), 0).padStart(5)} / ${fixed(sortedP(b.setup, 50), 0).padStart(5)} ms = ${fixed(setupRatio, 2)}${setupRatio <= 1.2 ? '' : ' (over target)'}   CPU/participant ${fixed(app.cpuTotal / size, 0).padStart(3)} / ${fixed(b.cpuTotal / size, 0).padStart(3)} % = ${fixed(cpuRatio, 2)}${cpuRatio <= 1.2 ? '' : ' (over target)'}   per frame sent ${fixed(frameRatio, 2)}`,
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
