/**
 * `npm run bench:call`: call set-up as the advisor experiences it, in Debian's Chromium with
 * fake devices, through the real app (renderer + main's services in the test host + server),
 * against two bare pages doing the same offer/answer over a minimal Socket.io relay.
 * Prints numbers; asserts nothing.
 */
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { startHarness } from '../server/testing/harness.ts';
import { launchAdvisor, type Advisor } from '../e2e/host/advisor.ts';
import { buildRendererInto } from '../e2e/host/renderer-build.ts';
import { serveRenderer } from '../e2e/host/static-server.ts';
import { startChild } from './support/child.ts';
import { cpuPercentDuring } from './support/process-cpu.ts';
import { recordingStats, type RecordingStats } from './support/recording-stats.ts';
import { fixed, percentile } from './support/stats.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 20);
/**
 * BENCH_CALL_CPU_ROUNDS=n: the first n calls (at most BENCH_CALLS) measure CPU with and without
 * recording, cameras then a shared screen; more rounds average out a busy machine.
 */
const CPU_ROUNDS = Math.min(CALLS, Number(process.env.BENCH_CALL_CPU_ROUNDS ?? 5));
/** BENCH_CALL_CPU_MS: each CPU window. */
const CPU_MS = Number(process.env.BENCH_CALL_CPU_MS ?? 4_000);
/**
 * BENCH_CALL_RENDERER_ROOT=<dir>: the app's renderer built from another copy of the repo
 * (e.g. `git archive HEAD renderer shared | tar -x -C <dir>`, node_modules linked), for A/B.
 * Built into a folder of its own: a bench never rebuilds what a running e2e test serves.
 */
const RENDERER_ROOT = process.env.BENCH_CALL_RENDERER_ROOT ?? join(import.meta.dirname, '..');
const RENDERER_OUT = join(import.meta.dirname, '..', 'out', 'bench-call-renderer');

const buildRenderer = () => buildRendererInto(RENDERER_OUT, { root: RENDERER_ROOT });

/** Installed in every page: when the incoming dialog appears and when remote videos show frames. */
const PROBES = `(() => {
  window.__marks = {};
  const seen = new WeakSet();
  new MutationObserver(() => {
    if (!window.__marks.ringing) {
      // The incoming-call dialog (a native <dialog>, or any role="dialog") has appeared.
      const dialog = [...document.querySelectorAll('dialog, [role="dialog"]')].find((d) => (d.textContent || '').includes('Incoming call'));
      if (dialog) window.__marks.ringing = Date.now();
    }
    for (const video of document.querySelectorAll('video')) {
      if (seen.has(video)) continue;
      seen.add(video);
      const label = video.getAttribute('aria-label') || '';
      const onFrame = () => { const key = 'frame:' + label; if (!window.__marks[key]) window.__marks[key] = Date.now(); };
      video.requestVideoFrameCallback(onFrame);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

async function marks(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
}

async function clickAt(page: Page, name: string): Promise<number> {
  return page.evaluate((label) => {
    const button = [...document.querySelectorAll('button')].find(
      (b) => b.textContent.trim() === label || b.getAttribute('aria-label') === label,
    );
    if (!button) throw new Error(`no button ${label}`);
    const at = Date.now();
    button.click();
    return at;
  }, name);
}

/** Milliseconds from `start` until the remote camera reaches 1280x720 at ≥ 28 fps (getStats). */
async function timeTo720p30(page: Page, start: number, timeoutMs = 10_000): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await page.evaluate(async () => {
      const pcs =
        (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
      const pc = pcs.at(-1);
      if (!pc) return false;
      let good = false;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (
          s.type === 'inbound-rtp' &&
          s.kind === 'video' &&
          Number(s.frameWidth) >= 1280 &&
          Number(s.framesPerSecond) >= 28
        )
          good = true;
      });
      return good;
    });
    if (ok) return Date.now() - start;
    await page.waitForTimeout(100);
  }
  return null;
}

async function shareScreen(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Share screen' }).click();
  await page.getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Stop sharing' }).waitFor();
}

/** Time for a call's video to reach its steady size before its CPU is measured. */
const SETTLE_MS = 2_000;

/**
 * One round: the call, the call recording, the call again. The recording is set against the mean
 * of the windows around it, so a call still ramping up its video (or a machine growing busier)
 * is not counted as the recording's cost.
 */
async function recordingRound(
  advisor: Advisor,
  stats: RecordingStats[],
  call: number[],
  recording: number[],
): Promise<void> {
  await advisor.page.waitForTimeout(SETTLE_MS);
  const before = await cpuPercentDuring(CPU_MS);
  recording.push(await recordWhileMeasuring(advisor, stats));
  const after = await cpuPercentDuring(CPU_MS);
  call.push((before + after) / 2);
}

/**
 * Records while CPU is measured, then stops and reads the new file back: CPU % of the browser
 * during the recording (its first second left out: start-up is not the steady state).
 */
async function recordWhileMeasuring(advisor: Advisor, stats: RecordingStats[]): Promise<number> {
  const folder = advisor.recordingsFolder();
  const before = new Set(readdirSafe(folder));
  await advisor.page.getByRole('button', { name: 'Start recording' }).click();
  await advisor.page.getByRole('button', { name: 'Stop recording' }).waitFor();
  await advisor.page.waitForTimeout(1_000);
  const cpuPercent = await cpuPercentDuring(CPU_MS);
  await advisor.page.getByRole('button', { name: 'Stop recording' }).click();
  // Stopped (and the file finished) once the button is back: a notice of the last one may linger.
  await advisor.page
    .getByRole('button', { name: 'Start recording' })
    .and(advisor.page.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
  const file = readdirSafe(folder).find((f) => f.endsWith('.webm') && !before.has(f));
  if (file) stats.push(await recordingStats(join(folder, file)));
  return cpuPercent;
}

const readdirSafe = (folder: string): string[] => {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
};

function summarise(name: string, values: number[], unit = 'ms'): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${name.padEnd(44)} p50 ${fixed(percentile(sorted, 50), 0).padStart(6)} ${unit}   p90 ${fixed(percentile(sorted, 90), 0).padStart(6)} ${unit}   (n=${values.length})`;
}

/**
 * Two plain pages doing what the app does between Answer and the first frames, over the bare
 * relay: the callee opens its camera, applies the offer and answers; time until both decode.
 */
async function bareCall(
  browser: Browser,
  relayUrl: string,
  pageUrl: string,
  round: number,
): Promise<number> {
  const context = await browser.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const page of [a, b]) {
    await page.goto(pageUrl);
    await page.addScriptTag({ url: `${relayUrl}/socket.io/socket.io.min.js` });
  }
  const script = async ([relay, me, peer, caller]: [string, string, string, boolean]) => {
    const w = window as unknown as {
      io: (
        url: string,
        o: object,
      ) => {
        on: (e: string, f: (p: Record<string, unknown>) => void) => void;
        emit: (e: string, p: object) => void;
        once: (e: string, f: () => void) => void;
      };
    };
    const socket = w.io(relay, { query: { id: me }, transports: ['websocket'] });
    await new Promise<void>((resolve) => {
      socket.once('connect', resolve);
    });
    const openCamera = async () => {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: true,
        video: { width: 1280, height: 720, frameRate: 30 },
      });
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
    };
    const pc = new RTCPeerConnection({ iceServers: [] });
    // As in the app: the caller's camera is on before the offer; the callee's opens on answering.
    if (caller) await openCamera();
    pc.onicecandidate = (e) => {
      if (e.candidate) socket.emit('ice-candidate', { to: peer, candidate: e.candidate.toJSON() });
    };
    socket.on('ice-candidate', (p) => void pc.addIceCandidate(p.candidate as RTCIceCandidateInit));
    const firstFrame = new Promise<number>((resolve) => {
      pc.ontrack = (e) => {
        if (e.track.kind !== 'video') return;
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = new MediaStream([e.track]);
        document.body.append(video);
        void video.play();
        video.requestVideoFrameCallback(() => {
          resolve(Date.now());
        });
      };
    });
    (window as unknown as { __firstFrame: Promise<number> }).__firstFrame = firstFrame;
    if (caller) {
      socket.on(
        'call-answer',
        (p) => void pc.setRemoteDescription(p.answer as RTCSessionDescriptionInit),
      );
      (window as unknown as { __start: () => Promise<number> }).__start = async () => {
        const at = Date.now();
        await pc.setLocalDescription(await pc.createOffer());
        socket.emit('call-offer', { to: peer, offer: pc.localDescription });
        return at;
      };
    } else {
      socket.on('call-offer', (p) => {
        void (async () => {
          // The moment the app's callee clicks Answer: everything after it is the same work.
          (window as unknown as { __answeredAt: number }).__answeredAt = Date.now();
          await pc.setRemoteDescription(p.offer as RTCSessionDescriptionInit);
          await openCamera();
          await pc.setLocalDescription(await pc.createAnswer());
          socket.emit('call-answer', { to: peer, answer: pc.localDescription });
        })();
      });
    }
  };
  await b.evaluate(script, [relayUrl, `b${round}`, `a${round}`, false] as [
    string,
    string,
    string,
    boolean,
  ]);
  await a.evaluate(script, [relayUrl, `a${round}`, `b${round}`, true] as [
    string,
    string,
    string,
    boolean,
  ]);
  await a.evaluate(() => (window as unknown as { __start: () => Promise<number> }).__start());
  const frames = await Promise.all(
    [a, b].map((p) =>
      p.evaluate(() => (window as unknown as { __firstFrame: Promise<number> }).__firstFrame),
    ),
  );
  const answeredAt = await b.evaluate(
    () => (window as unknown as { __answeredAt: number }).__answeredAt,
  );
  await context.close();
  return Math.max(...frames) - answeredAt;
}

const signed = (n: number): string => `${n >= 0 ? '+' : ''}${fixed(n, 0)}`;
const loads = (l: number[]): string => l.map((n) => n.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  process.stdout.write('Building the renderer… ');
  await buildRenderer();
  console.log('done.');
  const server = await startHarness({ ringTimeoutMs: 30_000 });
  const renderer = await serveRenderer(RENDERER_OUT);
  const relay = await startChild('bench/bare-relay.ts', []);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  await server.addUser('avery', ['Team']);
  await server.addUser('blake', ['Team']);
  const open = async (username: string): Promise<Advisor> => {
    const advisor = await launchAdvisor(browser, {
      username,
      serverUrl: server.url,
      rendererOrigin: renderer.origin,
      signedIn: true,
      // Record at once, without the consent round (consent-required is the default).
      policy: { recording: 'allowed' },
    });
    await advisor.context.addInitScript({ content: PROBES });
    await advisor.page.reload();
    return advisor;
  };
  const avery = await open('avery');
  const blake = await open('blake');
  await avery.page.getByRole('button', { name: 'Call Blake Tester' }).waitFor();

  const ringing: number[] = [];
  const answerToFrame: number[] = [];
  const to720p30: number[] = [];
  const screenToFrame: number[] = [];
  const cpu = {
    idleCall: [] as number[],
    recording: [] as number[],
    screenCall: [] as number[],
    screenRecording: [] as number[],
  };
  const recordings = { camera: [] as RecordingStats[], screen: [] as RecordingStats[] };
  for (let i = 0; i < CALLS; i++) {
    for (const advisor of [avery, blake]) {
      await advisor.page.evaluate(() => {
        (window as unknown as { __marks: Record<string, number> }).__marks = {};
      });
    }
    const clicked = await clickAt(avery.page, 'Call Blake Tester');
    await blake.page.getByRole('button', { name: 'Answer' }).waitFor();
    ringing.push((await marks(blake.page)).ringing! - clicked);
    const answered = await clickAt(blake.page, 'Answer');
    await avery.page.waitForFunction(
      () =>
        (window as unknown as { __marks: Record<string, number> }).__marks[
          "frame:Blake Tester's video"
        ],
    );
    await blake.page.waitForFunction(
      () =>
        (window as unknown as { __marks: Record<string, number> }).__marks[
          "frame:Avery Tester's video"
        ],
    );
    const first = Math.max(
      (await marks(avery.page))["frame:Blake Tester's video"]!,
      (await marks(blake.page))["frame:Avery Tester's video"]!,
    );
    answerToFrame.push(first - answered);
    const hd = await timeTo720p30(blake.page, answered);
    if (hd !== null) to720p30.push(hd);

    if (i < 5) {
      await avery.page.getByRole('button', { name: 'Share screen' }).click();
      await avery.page.getByRole('radio').first().check();
      const shared = await clickAt(avery.page, 'Share');
      await blake.page.waitForFunction(
        () =>
          (window as unknown as { __marks: Record<string, number> }).__marks[
            "frame:Avery Tester's screen"
          ],
      );
      screenToFrame.push((await marks(blake.page))["frame:Avery Tester's screen"]! - shared);
      await avery.page.getByRole('button', { name: 'Stop sharing' }).click();
    }
    if (i < CPU_ROUNDS) {
      await recordingRound(avery, recordings.camera, cpu.idleCall, cpu.recording);
      // The same with Avery's screen shared: the screen large, both cameras small.
      await shareScreen(avery.page);
      await recordingRound(avery, recordings.screen, cpu.screenCall, cpu.screenRecording);
      await avery.page.getByRole('button', { name: 'Stop sharing' }).click();
    }
    await avery.page.getByRole('button', { name: 'Hang up' }).click();
    await avery.page.getByRole('button', { name: 'Call Blake Tester' }).waitFor();
    for (const advisor of [avery, blake]) {
      const dismiss = advisor.page.getByRole('button', { name: 'Dismiss' });
      if (await dismiss.count()) await dismiss.first().click();
    }
    await avery.page
      .getByRole('button', { name: 'Call Blake Tester' })
      .and(avery.page.locator(':enabled'))
      .waitFor();
  }

  const bare: number[] = [];
  for (let i = 0; i < CALLS; i++) bare.push(await bareCall(browser, relay.url, `${relay.url}/`, i));

  const screenInfo = await (async () => {
    await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
    await blake.page.getByRole('button', { name: 'Answer' }).click();
    await avery.page.getByRole('button', { name: 'Share screen' }).click();
    await avery.page.getByRole('radio').first().check();
    await avery.page.getByRole('button', { name: 'Share', exact: true }).click();
    await blake.page.waitForTimeout(3_000);
    return blake.page.evaluate(async () => {
      const pcs =
        (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
      const stats = await pcs.at(-1)!.getStats();
      let best = { width: 0, height: 0, fps: 0 };
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && Number(s.frameWidth) > best.width) {
          best = {
            width: Number(s.frameWidth),
            height: Number(s.frameHeight),
            fps: Number(s.framesPerSecond ?? 0),
          };
        }
      });
      return best;
    });
  })();

  const p50 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  console.log(
    `\nCall set-up over ${CALLS} calls (Chromium ${browser.version()}, fake devices, loopback, 2 cores)`,
  );
  console.log(summarise('Call click → callee ringing', ringing));
  console.log(summarise('Answer → first decoded remote frame (both)', answerToFrame));
  console.log(summarise('Answer → remote camera at 1280x720 ≥ 28 fps', to720p30));
  console.log(`${''.padEnd(44)} reached in ${to720p30.length}/${CALLS} calls within 10 s`);
  console.log(summarise('Share click → first remote screen frame', screenToFrame));
  console.log(
    `Remote screen share: ${screenInfo.width}x${screenInfo.height} at ${fixed(screenInfo.fps, 1)} fps`,
  );
  // What the recording adds is the median of the rounds' own differences: the rounds of a busy
  // machine differ more than A from B.
  const added = (call: number[], recording: number[]) => {
    const rounds = recording.map((r, i) => r - (call[i] ?? 0));
    return `${fixed(p50(call), 0)} %   while recording: ${fixed(p50(recording), 0)} %   (+${fixed(p50(rounds), 0)} % median of rounds; by round ${rounds.map(signed).join(' ')})`;
  };
  console.log(
    `Chromium CPU (this bench's browser, % of one core; 200 % = both; machine load average ${loads(loadAtStart)} at the start, ${loads(loadavg())} at the end)`,
  );
  console.log(`  in a call (cameras):        ${added(cpu.idleCall, cpu.recording)}`);
  console.log(`  in a call (screen shared):  ${added(cpu.screenCall, cpu.screenRecording)}`);
  for (const [layout, list] of Object.entries(recordings)) {
    for (const r of list) {
      console.log(
        `  recording (${layout}): ${r.width}x${r.height}, ${r.frames} frames in ${fixed(r.seconds, 1)} s = ${fixed(r.fps, 1)} fps, ` +
          `video ${fixed(r.videoKbps, 0)} kbit/s, file ${fixed(r.fileKbps, 0)} kbit/s, duration ${r.duration}`,
      );
    }
  }
  console.log(summarise('Bare pages: answer → first remote frame (both)', bare));
  console.log(
    `Ratio ours/bare (answer → first frame on both sides, same span, p50): ${fixed(p50(answerToFrame) / p50(bare), 2)}   (target ≤ 1.15)`,
  );
  console.log('Targets: ring ≤ 50 ms p50, 720p30 within 2 s, screen ≥ 1080p at ≥ 5 fps.');

  await browser.close();
  await relay.stop();
  await renderer.close();
  await avery.close().catch(() => undefined);
  await blake.close().catch(() => undefined);
  await server.close();
}

await main();
