/**
 * `npm run bench:signaling`: numbers, not pass/fail, all from the same run:
 * - our signaling server (one node, SQLite) against a bare Socket.io relay: messages/s at rising
 *   load, p50/p99 relay latency at half of our peak, server CPU per message;
 * - the same load through two nodes sharing one redis-server and one SQLite data folder, and
 *   through two nodes as on two machines (separate data folders, one PostgreSQL database, one
 *   redis-server); every message crosses nodes (each pair's caller on one, callee on the other);
 * - sign-ins per second (right passwords, distinct users, parallel clients) on one node and on
 *   the two PostgreSQL nodes, with the server CPU per sign-in (scrypt N=2^17: CPU-bound);
 * - RSS per idle authenticated socket: all on one node, then spread over the two PostgreSQL nodes;
 * - a burst of wrong passwords at one account from many addresses (X-Forwarded-For, the nodes
 *   trusting 127.0.0.1 as their proxy), on one node and on the two: how many were checked (401)
 *   and refused (429), against the configured limits.
 * Exits 1 only when something never worked (no message relayed, no sign-in accepted…).
 *
 * Sizes (environment; the defaults are the full run, an estimated 4-5 minutes on 2 quiet cores):
 *   BENCH_IDLE_SOCKETS=10000    idle sockets on one node, and again across the two PostgreSQL nodes
 *   BENCH_LEVELS=5,20,50,100    pairs at each load level     BENCH_LEVEL_MS=4000   time per level
 *   BENCH_HALF_PAIRS=50         pairs carrying the load at half of the one-node peak
 *   BENCH_SIGNIN_CLIENTS=16     parallel sign-in clients      BENCH_SIGNIN_MS=15000 time per run
 *   BENCH_GUESSES=1000          wrong passwords at once       BENCH_GUESS_ADDRESSES=50 from as many addresses
 * A smoke run: BENCH_IDLE_SOCKETS=200 BENCH_LEVELS=2,5 BENCH_LEVEL_MS=1000 BENCH_HALF_PAIRS=5
 *   BENCH_SIGNIN_CLIENTS=2 BENCH_SIGNIN_MS=2000 BENCH_GUESSES=300 BENCH_GUESS_ADDRESSES=15
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGN_IN_LIMITS } from '../server/auth/sign-in-limits.ts';
import { startRedis } from '../server/testing/redis-process.ts';
import { SIZES } from './support/bench-env.ts';
import { startBenchPostgres } from './support/bench-postgres.ts';
import { startChild, type Child } from './support/child.ts';
import { idleSockets, idleSocketsAcross } from './support/idle-sockets.ts';
import { expectWorked, reportNeverWorked } from './support/never-worked.ts';
import { seedPostgresPairs } from './support/seed-postgres.ts';
import { seedPairs, type SeededPair } from './support/seed.ts';
import { guessOneAccount, signInRate, type GuessRun, type SignInRun } from './support/sign-ins.ts';
import {
  MESSAGES_PER_CYCLE,
  atRate,
  measure,
  single,
  type Target,
} from './support/signaling-load.ts';
import {
  guessLines,
  printSummary,
  signInLine,
  type Measured,
} from './support/signaling-summary.ts';
import { fixed } from './support/stats.ts';

const folders: string[] = [];
const folder = (prefix: string) => {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
};

// Every bench client comes from 127.0.0.1: lift the per-address caps meant for the internet,
// and let 127.0.0.1 name the client in X-Forwarded-For, as a reverse proxy would.
const LOOPBACK_CLIENTS = ['--max-sockets-per-address', '1000000', '--handshake-rate', '1000000'];
const NODE_ARGS = [
  ...['--port', '0', '--quiet', '--socket-rate', '100000', '--trust-proxy', '127.0.0.1'],
  ...LOOPBACK_CLIENTS,
];

const users = (pairs: SeededPair[]) => pairs.flatMap((p) => [p.a, p.b]).slice(0, SIZES.idleSockets);

async function measured(target: Target, pairs: SeededPair[], halfRate: number) {
  const { peak, cpuPerMessage } = await measure(target, pairs);
  return { peak, cpuPerMessage, half: await atRate(target, pairs, halfRate) };
}

/** Right-password sign-ins on `nodes` (users `a` of each pair), printed and returned. */
async function signIns(label: string, nodes: Child[], pairs: SeededPair[]): Promise<SignInRun> {
  const run = await signInRate(
    nodes.map((node) => node.url),
    pairs.map((p) => p.a.username),
    {
      clients: SIZES.signInClients,
      ms: SIZES.signInMs,
      cpuSeconds: () => nodes.reduce((sum, node) => sum + node.cpuSeconds(), 0),
    },
  );
  console.log(signInLine(label, run));
  expectWorked(run.signIns > 0, `${label}: no sign-in was accepted.`);
  return run;
}

/** The guessing burst at the first pair's `b` (a user the sign-in runs never use). */
async function guesses(label: string, nodes: Child[], pairs: SeededPair[]): Promise<GuessRun> {
  const run = await guessOneAccount(
    nodes.map((node) => node.url),
    pairs[0]?.b.username ?? '',
    { attempts: SIZES.guesses, addresses: SIZES.guessAddresses },
  );
  for (const line of guessLines(label, run)) console.log(line);
  expectWorked(run.checked > 0, `${label}: no wrong password was ever checked (all refused?).`);
  const refused = run.refusedByPair + run.refusedByAccount;
  const { account } = SIGN_IN_LIMITS;
  expectWorked(
    run.attempts <= account.capacity || refused > 0,
    `${label}: no sign-in attempt was refused, past every limit.`,
  );
  return run;
}

/** Our one node (SQLite) and the bare relay: the baseline every other number is compared with. */
async function oneNode(dataDir: string, pairs: SeededPair[]) {
  // Idle sockets first, on a fresh server: its RSS is what a firm's server would show.
  const fresh = await startChild('server/cli.ts', [
    ...['--port', '0', '--data', dataDir, '--quiet'],
    ...LOOPBACK_CLIENTS,
  ]);
  const idle = await idleSockets('ours', fresh, users(pairs));
  await fresh.stop();
  const freshBare = await startChild('bench/bare-relay.ts', []);
  const idleBare = await idleSockets('bare', freshBare, users(pairs));
  await freshBare.stop();

  const node = await startChild('server/cli.ts', [...NODE_ARGS, '--data', dataDir]);
  const bareRelay = await startChild('bench/bare-relay.ts', []);
  const label = 'Our server, one node (auth, validation, call rules, rate limits)';
  const target = single('ours', node, label);
  const bareTarget = single('bare', bareRelay, 'Bare Socket.io relay');
  const oursRun = await measure(target, pairs);
  const bareRun = await measure(bareTarget, pairs);
  const halfRate = oursRun.peak / 2;
  const ours: Measured = { ...oursRun, half: await atRate(target, pairs, halfRate) };
  const bare: Measured = { ...bareRun, half: await atRate(bareTarget, pairs, halfRate) };
  await bareRelay.stop();

  console.log('\nSign-ins, one node (SQLite)');
  const signInsOne = await signIns('one node', [node], pairs);
  const guessesOne = await guesses('one node', [node], pairs);
  await node.stop();
  return { idle, idleBare, ours, bare, halfRate, signInsOne, guessesOne };
}

/** Two nodes over one SQLite data folder, joined by a real redis-server. */
async function twoNodesOnRedis(dataDir: string, pairs: SeededPair[], halfRate: number) {
  const redis = await startRedis();
  const nodes = await Promise.all(
    [0, 1].map(() =>
      startChild('server/cli.ts', [...NODE_ARGS, '--data', dataDir, '--redis', redis.url]),
    ),
  );
  const [first, second] = nodes as [Child, Child];
  const target: Target = {
    kind: 'ours',
    label: 'Our server, two nodes through Redis (caller on one, callee on the other)',
    a: first.url,
    b: second.url,
    cpuSeconds: () => first.cpuSeconds() + second.cpuSeconds(),
  };
  const redisRun = await measured(target, pairs, halfRate);
  await Promise.all(nodes.map((node) => node.stop()));
  await redis.close();
  return redisRun;
}

/** Two nodes as on two machines: their own data folders, one PostgreSQL, one redis-server. */
async function twoNodesOnPostgres(pairCount: number, halfRate: number) {
  process.stdout.write(`\nStarting PostgreSQL and seeding ${pairCount * 2} users there... `);
  const postgresServer = await startBenchPostgres();
  const { url } = postgresServer;
  const pairs = await seedPostgresPairs(url, folder('rr-bench-pg-seed-'), pairCount);
  console.log('done.');
  const redis = await startRedis();
  const nodes = await Promise.all(
    ['a', 'b'].map((name) =>
      startChild('server/cli.ts', [
        ...NODE_ARGS,
        ...['--data', folder(`rr-bench-pg-${name}-`), '--database', url, '--redis', redis.url],
      ]),
    ),
  );
  const [first, second] = nodes as [Child, Child];
  // Idle sockets first, on fresh nodes.
  const idlePostgres = await idleSocketsAcross('ours', nodes, users(pairs));
  const target: Target = {
    kind: 'ours',
    label:
      'Our server, two nodes on PostgreSQL + Redis, separate data folders (caller on one, callee on the other)',
    a: first.url,
    b: second.url,
    cpuSeconds: () => first.cpuSeconds() + second.cpuSeconds(),
  };
  const postgres = await measured(target, pairs, halfRate);
  console.log('\nSign-ins, two nodes on PostgreSQL + Redis (clients alternate between the nodes)');
  const signInsTwo = await signIns('two nodes', nodes, pairs);
  const guessesTwo = await guesses('two nodes', nodes, pairs);
  await Promise.all(nodes.map((node) => node.stop()));
  await redis.close();
  postgresServer.stop();
  return { postgres, idlePostgres, signInsTwo, guessesTwo };
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const dataDir = folder('rr-bench-');
    const pairCount = Math.max(
      Math.ceil(SIZES.idleSockets / 2),
      Math.max(...SIZES.levels),
      SIZES.halfPairs,
    );
    process.stdout.write(`Seeding ${pairCount * 2} users... `);
    const pairs = await seedPairs(dataDir, pairCount);
    console.log('done.');
    console.log(
      `Node ${process.version}, ${MESSAGES_PER_CYCLE} messages per call set-up, ${SIZES.levelMs / 1000} s per level, ~4 KB SDP`,
    );
    const one = await oneNode(dataDir, pairs);
    const redis = await twoNodesOnRedis(dataDir, pairs, one.halfRate);
    const onPostgres = await twoNodesOnPostgres(pairCount, one.halfRate);
    printSummary({ ...one, ...onPostgres, redis, halfPairs: SIZES.halfPairs });
    console.log(`  the whole run took ${fixed((performance.now() - started) / 1000, 0)} s`);
  } finally {
    for (const made of folders) rmSync(made, { recursive: true, force: true });
  }
  reportNeverWorked();
}

await main();
