/**
 * The signaling load: pairs of clients repeating a call set-up (offer, answer, candidates both
 * ways, end-call) through a target (our server on one or two nodes, or the bare relay), timing
 * every relayed message. `measure` climbs the load levels; `atRate` holds a set rate.
 */
import { io, type Socket } from 'socket.io-client';
import { SIZES } from './bench-env.ts';
import type { Child } from './child.ts';
import { expectWorked } from './never-worked.ts';
import type { SeededPair } from './seed.ts';
import { fixed, percentile } from './stats.ts';

const SDP = `v=0\r\n${'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(70)}`; // ~4 KB
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
const CANDIDATES_EACH_WAY = 4;
export const MESSAGES_PER_CYCLE = 3 + 2 * CANDIDATES_EACH_WAY; // offer, answer, candidates, end-call

/** Longer than any connect takes here, even with 10,000 idle sockets connecting at once. */
const CONNECT_MS = 30_000;

export type Kind = 'ours' | 'bare';
/** Where a load runs: the caller side connects to `a`, the callee side to `b`. */
export interface Target {
  kind: Kind;
  label: string;
  a: string;
  b: string;
  /** CPU seconds of the server processes (not Redis) so far. */
  cpuSeconds(): number;
}
export const single = (kind: Kind, child: Child, label: string): Target => ({
  kind,
  label,
  a: child.url,
  b: child.url,
  cpuSeconds: () => child.cpuSeconds(),
});
interface Load {
  messages: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

export function connect(
  kind: Kind,
  url: string,
  user: { id: string; token: string },
): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(kind === 'ours' ? { auth: { token: user.token } } : { query: { id: user.id } }),
  });
  return new Promise((resolve, reject) => {
    // Socket.io's client waits without end for a server that accepted the connection but never
    // answered its CONNECT: a stall must fail the run, saying where, not hang it.
    const stalled = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`${url}: connected, but no answer to CONNECT in ${CONNECT_MS / 1000} s`));
    }, CONNECT_MS);
    socket.once('connect', () => {
      clearTimeout(stalled);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(stalled);
      reject(error);
    });
  });
}

export async function connectAll<T>(
  items: T[],
  make: (item: T) => Promise<Socket>,
  concurrency = 100,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < items.length; i += concurrency) {
    sockets.push(...(await Promise.all(items.slice(i, i + concurrency).map(make))));
  }
  return sockets;
}

/**
 * Each pair repeats a call set-up: offer → answer → candidates both ways → end-call, timing
 * every relayed message from send to receipt. `cyclePauseMs` paces the load.
 */
async function runLoad(
  target: Target,
  pairs: SeededPair[],
  ms: number,
  cyclePauseMs = 0,
): Promise<Load> {
  const { kind } = target;
  const load: Load = { messages: 0, seconds: ms / 1000, latencies: [], errors: 0 };
  const sockets: Socket[] = [];
  let running = true;
  const done: Promise<void>[] = [];
  const starters: (() => void)[] = [];
  for (const [index, pair] of pairs.entries()) {
    const a = await connect(kind, target.a, pair.a);
    const b = await connect(kind, target.b, pair.b);
    sockets.push(a, b);
    const sentToA: number[] = [];
    const sentToB: number[] = [];
    const received = (queue: number[]) => {
      const sent = queue.shift();
      if (sent !== undefined) load.latencies.push(performance.now() - sent);
      load.messages++;
    };
    const send = (from: Socket, queue: number[], event: string, payload: object) => {
      queue.push(performance.now());
      from.emit(event, payload);
    };
    for (const socket of [a, b]) {
      socket.on('call-error', () => {
        load.errors++;
      });
    }
    let cycle = 0;
    let candidatesAtB = 0;
    let candidatesAtA = 0;
    let finished: () => void = () => undefined;
    done.push(
      new Promise<void>((resolve) => {
        finished = resolve;
      }),
    );
    const startCycle = () => {
      if (!running) {
        finished();
        return;
      }
      cycle++;
      candidatesAtA = candidatesAtB = 0;
      const callId = `bench-${index}-${cycle}-call`;
      send(a, sentToB, 'call-offer', { offer: { type: 'offer', sdp: SDP }, to: pair.b.id, callId });
    };
    b.on('call-offer', (p: { callId?: string }) => {
      received(sentToB);
      send(b, sentToA, 'call-answer', {
        answer: { type: 'answer', sdp: SDP },
        to: pair.a.id,
        callId: p.callId,
      });
    });
    a.on('call-answer', (p: { callId?: string }) => {
      received(sentToA);
      for (let i = 0; i < CANDIDATES_EACH_WAY; i++) {
        send(a, sentToB, 'ice-candidate', {
          candidate: CANDIDATE,
          to: pair.b.id,
          callId: p.callId,
        });
      }
    });
    b.on('ice-candidate', (p: { callId?: string }) => {
      received(sentToB);
      if (++candidatesAtB === CANDIDATES_EACH_WAY) {
        for (let i = 0; i < CANDIDATES_EACH_WAY; i++) {
          send(b, sentToA, 'ice-candidate', {
            candidate: CANDIDATE,
            to: pair.a.id,
            callId: p.callId,
          });
        }
      }
    });
    a.on('ice-candidate', (p: { callId?: string }) => {
      received(sentToA);
      if (++candidatesAtA === CANDIDATES_EACH_WAY) {
        send(a, sentToB, 'end-call', { to: pair.b.id, callId: p.callId });
      }
    });
    b.on('end-call', () => {
      received(sentToB);
      setTimeout(startCycle, cyclePauseMs);
    });
    starters.push(startCycle);
  }
  const started = performance.now();
  // Kick every pair off; their handlers keep them going until `running` turns false.
  for (const start of starters) start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  running = false;
  load.seconds = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(done), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  for (const socket of sockets) socket.disconnect();
  return load;
}

export interface Summary {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

function summary(load: Load): Summary {
  const sorted = [...load.latencies].sort((x, y) => x - y);
  return {
    rate: load.messages / load.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: load.errors,
  };
}

/** Messages/s, latency and server CPU at each level; the peak rate and the least CPU per message. */
export async function measure(
  target: Target,
  pairs: SeededPair[],
): Promise<{ peak: number; cpuPerMessage: number }> {
  console.log(`\n${target.label}`);
  console.log('  pairs   messages/s   p50 ms   p99 ms   server CPU %   server CPU µs/msg   errors');
  let peak = 0;
  let cpuPerMessage = Infinity;
  for (const level of SIZES.levels) {
    const cpuBefore = target.cpuSeconds();
    const load = await runLoad(target, pairs.slice(0, level), SIZES.levelMs);
    const cpu = target.cpuSeconds() - cpuBefore;
    const s = summary(load);
    expectWorked(load.messages > 0, `${target.label}: no message was relayed with ${level} pairs.`);
    const perMessage = (cpu * 1e6) / load.messages;
    peak = Math.max(peak, s.rate);
    cpuPerMessage = Math.min(cpuPerMessage, perMessage);
    console.log(
      `  ${String(level).padStart(5)}   ${fixed(s.rate, 0).padStart(10)}   ${fixed(s.p50, 2).padStart(6)}   ${fixed(s.p99, 2).padStart(6)}   ${fixed((100 * cpu) / load.seconds, 0).padStart(12)}   ${fixed(perMessage, 1).padStart(17)}   ${s.errors}`,
    );
  }
  return { peak, cpuPerMessage };
}

/** The load paced to `rate` messages/s over SIZES.halfPairs pairs. */
export async function atRate(target: Target, pairs: SeededPair[], rate: number): Promise<Summary> {
  // Each pair does MESSAGES_PER_CYCLE per cycle; pause so that all pairs together make `rate`.
  const count = SIZES.halfPairs;
  const cyclesPerSecondPerPair = rate / MESSAGES_PER_CYCLE / count;
  const pause = Math.max(0, 1000 / cyclesPerSecondPerPair - 5);
  const s = summary(await runLoad(target, pairs.slice(0, count), SIZES.levelMs, pause));
  expectWorked(s.rate > 0, `${target.label}: no message was relayed at ${fixed(rate, 0)}/s.`);
  return s;
}
