/**
 * `npm run bench:signaling`: our signaling server against a bare Socket.io relay, same run, and
 * one node against two nodes sharing a real redis-server (every message crosses nodes: each
 * pair's caller on one node, callee on the other). Prints messages/s at rising load, p50/p99
 * relay latency at half of our peak, RSS per idle authenticated socket, and the ratios.
 * Numbers, not pass/fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startRedis } from '../server/testing/redis-process.ts';
import { startChild, type Child } from './support/child.ts';
import { seedPairs, type SeededPair } from './support/seed.ts';
import { fixed, mib, percentile } from './support/stats.ts';

const LEVELS = [5, 20, 50, 100];
const LEVEL_MS = 4_000;
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
const SDP = `v=0\r\n${'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\r\n'.repeat(70)}`; // ~4 KB
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};
const CANDIDATES_EACH_WAY = 4;
const MESSAGES_PER_CYCLE = 3 + 2 * CANDIDATES_EACH_WAY; // offer, answer, candidates, end-call

type Kind = 'ours' | 'bare';
/** Where a load runs: the caller side connects to `a`, the callee side to `b`. */
interface Target {
  kind: Kind;
  label: string;
  a: string;
  b: string;
  /** CPU seconds of the server processes (not Redis) so far. */
  cpuSeconds(): number;
}
const single = (kind: Kind, child: Child, label: string): Target => ({
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

function connect(kind: Kind, url: string, user: { id: string; token: string }): Promise<Socket> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(kind === 'ours' ? { auth: { token: user.token } } : { query: { id: user.id } }),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      resolve(socket);
    });
    socket.once('connect_error', reject);
  });
}

async function connectAll<T>(
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

function summary(load: Load) {
  const sorted = [...load.latencies].sort((x, y) => x - y);
  return {
    rate: load.messages / load.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: load.errors,
  };
}

async function measure(target: Target, pairs: SeededPair[]) {
  console.log(`\n${target.label}`);
  console.log('  pairs   messages/s   p50 ms   p99 ms   server CPU %   server CPU µs/msg   errors');
  let peak = 0;
  let cpuPerMessage = Infinity;
  for (const level of LEVELS) {
    const cpuBefore = target.cpuSeconds();
    const load = await runLoad(target, pairs.slice(0, level), LEVEL_MS);
    const cpu = target.cpuSeconds() - cpuBefore;
    const s = summary(load);
    const perMessage = (cpu * 1e6) / load.messages;
    peak = Math.max(peak, s.rate);
    cpuPerMessage = Math.min(cpuPerMessage, perMessage);
    console.log(
      `  ${String(level).padStart(5)}   ${fixed(s.rate, 0).padStart(10)}   ${fixed(s.p50, 2).padStart(6)}   ${fixed(s.p99, 2).padStart(6)}   ${fixed((100 * cpu) / load.seconds, 0).padStart(12)}   ${fixed(perMessage, 1).padStart(17)}   ${s.errors}`,
    );
  }
  return { peak, cpuPerMessage };
}

async function atRate(target: Target, pairs: SeededPair[], rate: number) {
  // Each pair does MESSAGES_PER_CYCLE per cycle; pause so that all pairs together make `rate`.
  const count = 50;
  const cyclesPerSecondPerPair = rate / MESSAGES_PER_CYCLE / count;
  const pause = Math.max(0, 1000 / cyclesPerSecondPerPair - 5);
  return summary(await runLoad(target, pairs.slice(0, count), LEVEL_MS, pause));
}

async function idleSockets(kind: Kind, child: Child, pairs: SeededPair[]) {
  const users = pairs.flatMap((p) => [p.a, p.b]).slice(0, IDLE_SOCKETS);
  const before = child.rss();
  const sockets = await connectAll(users, (user) => connect(kind, child.url, user));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const after = child.rss();
  for (const socket of sockets) socket.disconnect();
  return { count: sockets.length, before, after, perSocket: (after - before) / sockets.length };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-'));
  try {
    const pairCount = Math.max(Math.ceil(IDLE_SOCKETS / 2), Math.max(...LEVELS));
    process.stdout.write(`Seeding ${pairCount * 2} users... `);
    const pairs = await seedPairs(dataDir, pairCount);
    console.log('done.');
    // Every bench client comes from 127.0.0.1: lift the per-address caps meant for the internet.
    const loopbackClients = ['--max-sockets-per-address', '1000000', '--handshake-rate', '1000000'];
    // Idle sockets first, on a fresh server: its RSS is what a firm's server would show.
    const fresh = await startChild('server/cli.ts', [
      '--port',
      '0',
      '--data',
      dataDir,
      '--quiet',
      ...loopbackClients,
    ]);
    const idle = await idleSockets('ours', fresh, pairs);
    await fresh.stop();
    const freshBare = await startChild('bench/bare-relay.ts', []);
    const idleBare = await idleSockets('bare', freshBare, pairs);
    await freshBare.stop();
    const serverArgs = [
      ...['--port', '0', '--data', dataDir, '--quiet', '--socket-rate', '100000'],
      ...loopbackClients,
    ];
    const ours = await startChild('server/cli.ts', serverArgs);
    const bare = await startChild('bench/bare-relay.ts', []);
    console.log(
      `Node ${process.version}, ${MESSAGES_PER_CYCLE} messages per call set-up, ${LEVEL_MS / 1000} s per level, ~4 KB SDP`,
    );

    const oneNode = single(
      'ours',
      ours,
      'Our server, one node (auth, validation, call rules, rate limits)',
    );
    const bareRelay = single('bare', bare, 'Bare Socket.io relay');
    const { peak: oursPeak, cpuPerMessage: oursCpu } = await measure(oneNode, pairs);
    const { peak: barePeak, cpuPerMessage: bareCpu } = await measure(bareRelay, pairs);
    const half = oursPeak / 2;
    const oursHalf = await atRate(oneNode, pairs, half);
    const bareHalf = await atRate(bareRelay, pairs, half);
    await bare.stop();
    await ours.stop();

    // The same load through two nodes and a real redis-server, every message crossing nodes.
    const redis = await startRedis();
    const nodes = await Promise.all(
      [0, 1].map(() => startChild('server/cli.ts', [...serverArgs, '--redis', redis.url])),
    );
    const [first, second] = nodes as [Child, Child];
    const twoNodes: Target = {
      kind: 'ours',
      label: 'Our server, two nodes through Redis (caller on one, callee on the other)',
      a: first.url,
      b: second.url,
      cpuSeconds: () => first.cpuSeconds() + second.cpuSeconds(),
    };
    const { peak: twoPeak, cpuPerMessage: twoCpu } = await measure(twoNodes, pairs);
    const twoHalf = await atRate(twoNodes, pairs, half);
    await Promise.all(nodes.map((node) => node.stop()));
    await redis.close();

    console.log('\nSummary');
    console.log(
      `  peak messages/s          ours ${fixed(oursPeak, 0)}   bare ${fixed(barePeak, 0)}   ratio ours/bare ${fixed(oursPeak / barePeak, 2)}   (target >= 0.7)`,
    );
    console.log(
      `  server CPU per message   ours ${fixed(oursCpu, 1)} µs   bare ${fixed(bareCpu, 1)} µs   ratio bare/ours ${fixed(bareCpu / oursCpu, 2)} (efficiency; the load client shares the 2 cores)`,
    );
    console.log(`  at half our peak (${fixed(half, 0)}/s, 50 pairs):`);
    console.log(
      `    ours  ${fixed(oursHalf.rate, 0)} msg/s   p50 ${fixed(oursHalf.p50, 2)} ms   p99 ${fixed(oursHalf.p99, 2)} ms   (target p99 <= 20 ms)`,
    );
    console.log(
      `    bare  ${fixed(bareHalf.rate, 0)} msg/s   p50 ${fixed(bareHalf.p50, 2)} ms   p99 ${fixed(bareHalf.p99, 2)} ms`,
    );
    console.log('  one node vs two nodes through Redis (same run, same load):');
    console.log(
      `    peak messages/s        one ${fixed(oursPeak, 0)}   two ${fixed(twoPeak, 0)}   ratio two/one ${fixed(twoPeak / oursPeak, 2)}`,
    );
    console.log(
      `    server CPU per message one ${fixed(oursCpu, 1)} µs   two ${fixed(twoCpu, 1)} µs (both nodes, Redis not counted)`,
    );
    console.log(
      `    at ${fixed(half, 0)}/s, 50 pairs:  one ${fixed(oursHalf.rate, 0)} msg/s p50 ${fixed(oursHalf.p50, 2)} ms p99 ${fixed(oursHalf.p99, 2)} ms   two ${fixed(twoHalf.rate, 0)} msg/s p50 ${fixed(twoHalf.p50, 2)} ms p99 ${fixed(twoHalf.p99, 2)} ms`,
    );
    console.log(
      `  ${idle.count} idle authenticated sockets: server RSS ${mib(idle.before)} -> ${mib(idle.after)}, ${fixed(idle.perSocket / 1024, 1)} KiB per socket   (target total <= 300 MiB)`,
    );
    console.log(
      `  ${idleBare.count} idle sockets on the bare relay: RSS ${mib(idleBare.before)} -> ${mib(idleBare.after)}, ${fixed(idleBare.perSocket / 1024, 1)} KiB per socket`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
