/**
 * Sign-ins against real nodes, each request as if forwarded by a proxy for a client address
 * (the nodes run with `--trust-proxy 127.0.0.1`): the rate of right-password sign-ins, and a
 * burst of wrong-password guesses at one account from many addresses, counted by what the
 * server answered.
 */
import { SIGN_IN_LIMITS } from '../../server/auth/sign-in-limits.ts';
import { BENCH_PASSWORD } from './seed.ts';
import { percentile } from './stats.ts';

/** A distinct address in 10.0.0.0/8 for each n (a fresh per-address bucket for each). */
const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

interface Answer {
  status: number;
  code: string;
  message: string;
}

async function login(
  url: string,
  username: string,
  password: string,
  from: string,
): Promise<Answer> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string };
  };
  return {
    status: res.status,
    code: body.error?.code ?? '',
    message: body.error?.message ?? '',
  };
}

/** A request that never got an answer (connection refused, reset…), counted as status 0. */
const unanswered = (error: unknown): Answer => ({
  status: 0,
  code: 'no-answer',
  message: (error as Error).message,
});

export interface SignInRun {
  signIns: number;
  /** Answers other than 200, by "status code". */
  failures: Map<string, number>;
  seconds: number;
  cpuSeconds: number;
  p50: number;
  p99: number;
}

const countInto = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * `clients` loops, each signing in one user after another (the next of `usernames`, every
 * request from a new address) on `urls[client % urls.length]`, for `ms`; in-flight sign-ins
 * finish and count. `cpuSeconds` reads the nodes' CPU so far.
 */
export async function signInRate(
  urls: string[],
  usernames: string[],
  options: { clients: number; ms: number; cpuSeconds: () => number },
): Promise<SignInRun> {
  const run: SignInRun = {
    signIns: 0,
    failures: new Map(),
    seconds: 0,
    cpuSeconds: 0,
    p50: NaN,
    p99: NaN,
  };
  const latencies: number[] = [];
  let next = 0;
  const cpuBefore = options.cpuSeconds();
  const started = performance.now();
  const until = started + options.ms;
  const client = async (index: number) => {
    const url = urls[index % urls.length] ?? '';
    while (performance.now() < until) {
      const n = next++;
      const username = usernames[n % usernames.length] ?? '';
      const sent = performance.now();
      const answer = await login(url, username, BENCH_PASSWORD, address(n + 1)).catch(unanswered);
      if (answer.status === 200) {
        run.signIns++;
        latencies.push(performance.now() - sent);
      } else {
        countInto(run.failures, `${answer.status} ${answer.code}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  run.seconds = (performance.now() - started) / 1000;
  run.cpuSeconds = options.cpuSeconds() - cpuBefore;
  latencies.sort((x, y) => x - y);
  run.p50 = percentile(latencies, 50);
  run.p99 = percentile(latencies, 99);
  return run;
}

export interface GuessRun {
  attempts: number;
  addresses: number;
  /** Wrong passwords the server checked (401): the guesses that got through to a hash. */
  checked: number;
  /** Refused (429) before any hash, by the limit that refused them: per account and address
   * (or, past its 30, all attempts from the address: the same sentence)… */
  refusedByPair: number;
  /** …or per account. */
  refusedByAccount: number;
  /** Anything else, by "status code". */
  other: Map<string, number>;
  seconds: number;
}

/**
 * `attempts` wrong passwords for `username`, all sent at once, from `addresses` addresses in
 * turn (attempt i from address i % addresses), to `urls` in turn.
 */
export async function guessOneAccount(
  urls: string[],
  username: string,
  options: { attempts: number; addresses: number },
): Promise<GuessRun> {
  const { attempts, addresses } = options;
  const run: GuessRun = {
    attempts,
    addresses,
    checked: 0,
    refusedByPair: 0,
    refusedByAccount: 0,
    other: new Map(),
    seconds: 0,
  };
  const started = performance.now();
  // 198.18.0.0/15 (benchmarking addresses): none of them used by the sign-in rate runs.
  const from = (i: number) => `198.18.${((i % addresses) >> 8) & 255}.${(i % addresses) & 255}`;
  const answers = await Promise.all(
    Array.from({ length: attempts }, (_, i) =>
      login(urls[i % urls.length] ?? '', username, `wrong-${i}`, from(i)).catch(unanswered),
    ),
  );
  run.seconds = (performance.now() - started) / 1000;
  for (const answer of answers) {
    if (answer.status === 401) run.checked++;
    else if (answer.status === 429 && answer.code === 'rate-limited') {
      // Both limits answer rate-limited; only the per-account one's sentence names the account.
      if (/this account/i.test(answer.message)) run.refusedByAccount++;
      else run.refusedByPair++;
    } else countInto(run.other, `${answer.status} ${answer.code}`);
  }
  return run;
}

/** What the configured limits let through: the per-account bucket, plus what refills meanwhile. */
export function guessTarget(seconds: number, addresses: number) {
  const { account, pair, address: perAddress } = SIGN_IN_LIMITS;
  return {
    account: account.capacity,
    refilled: seconds * account.refillPerSecond,
    pairs: addresses * pair.capacity,
    perAddress: perAddress.capacity,
  };
}
