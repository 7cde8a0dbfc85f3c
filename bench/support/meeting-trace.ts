/**
 * BENCH_MEETING_TRACE=1 in bench/meeting.ts: each app page records when its steps happen
 * (signaling events received, getUserMedia, applyConstraints, each RTCPeerConnection's offer,
 * answer, ICE and connection states, the incoming-call dialog, long tasks) and the bench prints every page's
 * steps of a set-up on one timeline from the click. It found the answer waiting for early ICE
 * candidates to be added one by one (peer-negotiation.ts).
 */
import type { Page } from '@playwright/test';

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
  const emit = w.__advisorEmit;
  w.__advisorEmit = (event, payload) => {
    if (event === 'signal:event') {
      const signal = payload as { event: string; payload: { description?: { type: string } } };
      mark('', `received ${signal.event}`, signal.payload.description?.type ?? '');
    }
    emit?.(event, payload);
  };
}

export async function installTrace(page: Page): Promise<void> {
  await page.evaluate(tracePage);
}

/** Prints every page's steps since `since` (epoch ms), merged, as ms after it. */
export async function printTrace(
  title: string,
  pages: { name: string; page: Page }[],
  since: number,
  log: (line: string) => void,
): Promise<void> {
  const rows: { at: number; line: string }[] = [];
  for (const { name, page } of pages) {
    const steps = await page.evaluate(
      () => (window as unknown as { __benchTrace?: Step[] }).__benchTrace?.splice(0) ?? [],
    );
    for (const [at, connection, what, detail] of steps) {
      if (at < since) continue;
      const line = `+${String(at - since).padStart(5)} ms  ${name.padEnd(8)} ${connection.padEnd(5)} ${what} ${detail}`;
      rows.push({ at, line: line.trimEnd() });
    }
  }
  log(`trace of ${title}, ms after the click:`);
  for (const row of rows.sort((a, b) => a.at - b.at)) log(`  ${row.line}`);
}
