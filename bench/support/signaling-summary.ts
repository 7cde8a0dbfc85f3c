/** The signaling bench's lines: a sign-in run, a guessing burst, and the closing summary. */
import type { IdleRss } from './idle-sockets.ts';
import { guessTarget, type GuessRun, type SignInRun } from './sign-ins.ts';
import type { Summary } from './signaling-load.ts';
import { fixed, mib } from './stats.ts';

export interface Measured {
  peak: number;
  cpuPerMessage: number;
  /** The load at half of the one-node peak. */
  half: Summary;
}

export interface SignalingResults {
  /** Half of the one-node peak: the rate every `half` ran at. */
  halfRate: number;
  halfPairs: number;
  ours: Measured;
  bare: Measured;
  redis: Measured;
  postgres: Measured;
  idle: IdleRss;
  idleBare: IdleRss;
  idlePostgres: IdleRss[];
  signInsOne: SignInRun;
  signInsTwo: SignInRun;
  guessesOne: GuessRun;
  guessesTwo: GuessRun;
}

const counts = (map: Map<string, number>) =>
  map.size === 0 ? 'none' : [...map].map(([what, n]) => `${n} × ${what}`).join(', ');

export function signInLine(label: string, run: SignInRun): string {
  const rate = run.signIns / run.seconds;
  const cpuMs = (1000 * run.cpuSeconds) / run.signIns;
  return (
    `  ${label}: ${run.signIns} sign-ins in ${fixed(run.seconds, 1)} s = ${fixed(rate, 2)}/s, ` +
    `p50 ${fixed(run.p50, 0)} ms p99 ${fixed(run.p99, 0)} ms, server CPU ${fixed(cpuMs, 0)} ms ` +
    `per sign-in (${fixed((100 * run.cpuSeconds) / run.seconds, 0)} % of one core); ` +
    `not signed in: ${counts(run.failures)}`
  );
}

export function guessLines(label: string, run: GuessRun): string[] {
  const target = guessTarget(run.seconds, run.addresses);
  const refused = run.refusedByPair + run.refusedByAccount;
  return [
    `  ${label}: ${run.attempts} wrong passwords for one account from ${run.addresses} addresses at once, answered in ${fixed(run.seconds, 1)} s`,
    `    checked (401) ${run.checked}   refused (429) ${refused}: ${run.refusedByPair} by the account+address (or address) limit, ${run.refusedByAccount} by the account limit   other: ${counts(run.other)}`,
    `    configured: ${target.account} failures per account (+${fixed(target.refilled, 2)} refilled over the burst), ` +
      `${target.pairs / run.addresses} per account and address (× ${run.addresses} = ${target.pairs}), ${target.perAddress} attempts per address`,
    `    guesses through: ${run.checked}   (target: the per-account limit, ${target.account}, plus nothing more)`,
  ];
}

function comparison(title: string, one: Measured, two: Measured, halfRate: number, n: number) {
  const at = (s: Summary) =>
    `${fixed(s.rate, 0)} msg/s p50 ${fixed(s.p50, 2)} ms p99 ${fixed(s.p99, 2)} ms`;
  console.log(`  ${title} (same run, same load):`);
  console.log(
    `    peak messages/s        one ${fixed(one.peak, 0)}   two ${fixed(two.peak, 0)}   ratio two/one ${fixed(two.peak / one.peak, 2)}`,
  );
  console.log(
    `    server CPU per message one ${fixed(one.cpuPerMessage, 1)} µs   two ${fixed(two.cpuPerMessage, 1)} µs (both nodes; Redis and PostgreSQL not counted)`,
  );
  console.log(
    `    at ${fixed(halfRate, 0)}/s, ${n} pairs:  one ${at(one.half)}   two ${at(two.half)}`,
  );
}

const idleLine = (label: string, idle: IdleRss) =>
  `${idle.count} ${label}: RSS ${mib(idle.before)} -> ${mib(idle.after)}, ${fixed(idle.perSocket / 1024, 1)} KiB per socket`;

export function printSummary(r: SignalingResults): void {
  const { ours, bare } = r;
  console.log('\nSummary');
  console.log(
    `  peak messages/s          ours ${fixed(ours.peak, 0)}   bare ${fixed(bare.peak, 0)}   ratio ours/bare ${fixed(ours.peak / bare.peak, 2)}   (target >= 0.7)`,
  );
  console.log(
    `  server CPU per message   ours ${fixed(ours.cpuPerMessage, 1)} µs   bare ${fixed(bare.cpuPerMessage, 1)} µs   ratio bare/ours ${fixed(bare.cpuPerMessage / ours.cpuPerMessage, 2)} (efficiency; the load client shares the 2 cores)`,
  );
  console.log(`  at half our peak (${fixed(r.halfRate, 0)}/s, ${r.halfPairs} pairs):`);
  console.log(
    `    ours  ${fixed(ours.half.rate, 0)} msg/s   p50 ${fixed(ours.half.p50, 2)} ms   p99 ${fixed(ours.half.p99, 2)} ms   (target p99 <= 20 ms)`,
  );
  console.log(
    `    bare  ${fixed(bare.half.rate, 0)} msg/s   p50 ${fixed(bare.half.p50, 2)} ms   p99 ${fixed(bare.half.p99, 2)} ms`,
  );
  comparison(
    'one node vs two nodes through Redis, one shared SQLite data folder',
    ours,
    r.redis,
    r.halfRate,
    r.halfPairs,
  );
  comparison(
    'one node (SQLite) vs two nodes on PostgreSQL + Redis (separate data folders)',
    ours,
    r.postgres,
    r.halfRate,
    r.halfPairs,
  );
  const one = r.signInsOne;
  const two = r.signInsTwo;
  const rate = (run: SignInRun) => run.signIns / run.seconds;
  const cpu = (run: SignInRun) => (1000 * run.cpuSeconds) / run.signIns;
  console.log(
    `  sign-ins/s               one ${fixed(rate(one), 2)} (${fixed(cpu(one), 0)} ms CPU each)   two on PostgreSQL ${fixed(rate(two), 2)} (${fixed(cpu(two), 0)} ms CPU each, both nodes)   ratio two/one ${fixed(rate(two) / rate(one), 2)}   (scrypt N=2^17; both share the same 2 cores)`,
  );
  console.log(
    `  ${idleLine('idle authenticated sockets on one node', r.idle)}   (target total <= 300 MiB)`,
  );
  console.log(`  ${idleLine('idle sockets on the bare relay', r.idleBare)}`);
  for (const [i, idle] of r.idlePostgres.entries()) {
    console.log(
      `  ${idleLine(`idle authenticated sockets on PostgreSQL + Redis node ${i + 1} of ${r.idlePostgres.length}`, idle)}`,
    );
  }
  console.log(
    `  guesses through at one account: one node ${r.guessesOne.checked}, two nodes on PostgreSQL + Redis ${r.guessesTwo.checked}   (configured per-account limit ${guessTarget(0, 1).account})`,
  );
}
