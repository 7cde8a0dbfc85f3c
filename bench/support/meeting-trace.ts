/**
 * BENCH_MEETING_TRACE=1 in bench/meeting.ts: each app page records when its steps happen
 * (signaling sent, acked and received, getUserMedia, applyConstraints, each RTCPeerConnection's
 * offer, answer, ICE and connection states, the incoming-call dialog, long tasks), this process
 * when each page's bridge calls reach it and its events leave it ("host"), and the bench prints
 * every page's steps of a set-up on one timeline from the click. It found the answer waiting
 * for early ICE candidates to be added one by one (peer-negotiation.ts), a joiner's offers
 * waiting behind a setParameters (peer-session.ts), and that the server and the main-process
 * services answer within a few ms while a message waits 20-90 ms to enter or leave a busy page.
 */
import type { CDPSession, Page } from '@playwright/test';
import { selfTimes } from './page-profile.ts';
import { bridgeWatch } from '../../e2e/host/page-bridge.ts';

type Step = [at: number, connection: string, what: string, detail: string];

/** Runs in the page: wraps what the engine calls, and records into `window.__benchTrace`. */
function tracePage(): void {
  const w = window as unknown as {
    __benchTrace?: Step[];
    __advisorEmit?: (event: string, payload: unknown) => void;
  };
  if (w.__benchTrace) return;
  const steps: Step[] = [];
  w.__benchTrace = steps;
  const mark = (connection: string, what: string, detail = '') => {
    steps.push([Date.now(), connection, what, detail]);
  };
  const names = new WeakMap<RTCPeerConnection, string>();
  let made = 0;
  const nameOf = (pc: RTCPeerConnection) => names.get(pc) ?? '?';
  const timed = <T extends object>(proto: T, method: keyof T, label: (self: T) => string) => {
    const original = proto[method] as (...args: unknown[]) => Promise<unknown>;
    (proto[method] as unknown) = async function (this: T, ...args: unknown[]) {
      const first = args[0] as { type?: string } | undefined;
      mark(label(this), `${String(method)} >`, first?.type ?? '');
      try {
        return await original.apply(this, args);
      } finally {
        mark(label(this), `${String(method)} <`);
      }
    };
  };
  const pcProto = RTCPeerConnection.prototype;
  for (const method of ['createOffer', 'setLocalDescription', 'setRemoteDescription'] as const)
    timed(pcProto, method, nameOf);
  timed(MediaStreamTrack.prototype, 'applyConstraints', () => '');
  timed(RTCRtpSender.prototype, 'setParameters', () => '');
  timed(navigator.mediaDevices, 'getUserMedia', () => '');

  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (this: unknown, ...args: [RTCConfiguration?]) {
    const pc = new Native(...args);
    names.set(pc, `pc${++made}`);
    mark(nameOf(pc), 'made');
    pc.addEventListener('iceconnectionstatechange', () => {
      mark(nameOf(pc), 'ice', pc.iceConnectionState);
    });
    pc.addEventListener('connectionstatechange', () => {
      mark(nameOf(pc), 'connection', pc.connectionState);
    });
    pc.addEventListener('track', (e) => {
      mark(nameOf(pc), 'track', e.track.kind);
    });
    return pc;
  } as unknown as typeof RTCPeerConnection;
  window.RTCPeerConnection.prototype = pcProto;
  Object.setPrototypeOf(window.RTCPeerConnection, Native); // its statics (generateCertificate)

  const showModal = Object.getOwnPropertyDescriptor(HTMLDialogElement.prototype, 'showModal')
    ?.value as (this: HTMLDialogElement) => void;
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    showModal.call(this);
    mark('', 'dialog shown', this.textContent.trim().slice(0, 40));
  };
  // The page's main thread busy for 50 ms or more at a time (a render, a burst of work).
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      steps.push([
        Math.round(performance.timeOrigin + entry.startTime),
        '',
        'long task',
        `${Math.round(entry.duration)} ms`,
      ]);
    }
  }).observe({ type: 'longtask' });
  // What the page sends, and when the server's ack comes back (the group is not frozen).
  const signal = (window as unknown as { advisor?: { signal?: Record<string, unknown> } }).advisor
    ?.signal;
  const send = signal?.send as
    ((s: { event: string; payload: unknown }) => Promise<unknown>) | undefined;
  if (signal && send && !Object.isFrozen(signal)) {
    signal.send = async (s: { event: string; payload: { description?: { type: string } } }) => {
      mark('', `send ${s.event}`, s.payload.description?.type ?? '');
      try {
        return await send(s);
      } finally {
        mark('', `acked ${s.event}`, s.payload.description?.type ?? '');
      }
    };
  }
  const emit = w.__advisorEmit;
  w.__advisorEmit = (event, payload) => {
    if (event === 'signal:event') {
      const signal = payload as { event: string; payload: { description?: { type: string } } };
      mark('', `received ${signal.event}`, signal.payload.description?.type ?? '');
    }
    emit?.(event, payload);
  };
}

export interface Trace {
  /**
   * Takes each page's main-thread time now, and starts profiling the last page's JavaScript (the
   * newcomer's): print() shows what the set-up added to both.
   */
  mark: () => Promise<void>;
  /** Prints every page's steps since `since` (epoch ms), merged, as ms after it. */
  print: (title: string, since: number, log: (line: string) => void) => Promise<void>;
}

/** Main-thread time of the page so far (s), from Chromium's own counters: all, and in which kind. */
async function busySeconds(session: CDPSession): Promise<Record<Busy, number>> {
  const { metrics } = await session.send('Performance.getMetrics');
  const value = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  return {
    task: value('TaskDuration'),
    script: value('ScriptDuration'),
    layout: value('LayoutDuration'),
    style: value('RecalcStyleDuration'),
  };
}
type Busy = 'task' | 'script' | 'layout' | 'style';

export async function installTrace(pages: { name: string; page: Page }[]): Promise<Trace> {
  const sessions = new Map<string, CDPSession>();
  for (const { name, page } of pages) {
    await page.evaluate(tracePage);
    const session = await page.context().newCDPSession(page);
    await session.send('Performance.enable');
    sessions.set(name, session);
  }
  // This process's side of each page's bridge: when a call from the page reached it and was
  // answered, when an event for the page left it and was in. Page steps are marked "page".
  const hostSteps = new Map<Page, Step[]>(pages.map(({ page }) => [page, []]));
  bridgeWatch.observe = (page, what, detail) => {
    if (detail.startsWith('signal:')) hostSteps.get(page)?.push([Date.now(), 'host', what, detail]);
  };
  const marked = new Map<string, Record<Busy, number>>();
  // BENCH_MEETING_TRACE_PROFILE=<username>: another page's JavaScript (the inviter's, say).
  const profiled = process.env.BENCH_MEETING_TRACE_PROFILE ?? pages.at(-1)?.name ?? '';
  const newcomer = sessions.get(profiled);
  await newcomer?.send('Profiler.enable');
  await newcomer?.send('Profiler.setSamplingInterval', { interval: 500 });
  return {
    mark: async () => {
      for (const [name, session] of sessions) marked.set(name, await busySeconds(session));
      await newcomer?.send('Profiler.start');
    },
    print: async (title, since, log) => {
      const rows: { at: number; line: string }[] = [];
      const busy: string[] = [];
      for (const { name, page } of pages) {
        const steps = await page.evaluate(
          () => (window as unknown as { __benchTrace?: Step[] }).__benchTrace?.splice(0) ?? [],
        );
        steps.push(...(hostSteps.get(page)?.splice(0) ?? []));
        for (const [at, connection, what, detail] of steps) {
          if (at < since) continue;
          const line = `+${String(at - since).padStart(5)} ms  ${name.padEnd(8)} ${connection.padEnd(5)} ${what} ${detail}`;
          rows.push({ at, line: line.trimEnd() });
        }
        const session = sessions.get(name);
        const before = marked.get(name);
        if (session && before !== undefined) {
          const now = await busySeconds(session);
          const ms = (kind: Busy) => Math.round(1000 * (now[kind] - before[kind]));
          busy.push(
            `${name} ${ms('task')} ms (script ${ms('script')}, layout ${ms('layout')}, style ${ms('style')})`,
          );
        }
      }
      log(`trace of ${title}, ms after the click:`);
      for (const row of rows.sort((a, b) => a.at - b.at)) log(`  ${row.line}`);
      if (busy.length)
        log(
          `  main thread busy from just before the click to just after the mesh formed: ${busy.join(', ')}`,
        );
      if (newcomer && marked.size) {
        const { profile } = await newcomer.send('Profiler.stop');
        const top = [...selfTimes(profile)].sort((a, b) => b[1] - a[1]).slice(0, 12);
        log(`  ${profiled}'s JavaScript self time over the same span (ms):`);
        for (const [where, ms] of top) log(`    ${ms.toFixed(1).padStart(7)}  ${where}`);
      }
    },
  };
}
