/** The signaling bench's sizes, from BENCH_* environment variables (listed in bench/signaling.ts). */

function whole(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of at least 1; got "${raw}".`);
  }
  return value;
}

function wholeList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((part, i) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${name} must be whole numbers separated by commas, e.g. 5,20,50; item ${i + 1} is "${part}".`,
      );
    }
    return value;
  });
}

export const SIZES = {
  /** Idle authenticated sockets on one node, and again across two (half on each). */
  idleSockets: whole('BENCH_IDLE_SOCKETS', 10_000),
  /** Pairs in call set-ups at each load level. */
  levels: wholeList('BENCH_LEVELS', [5, 20, 50, 100]),
  levelMs: whole('BENCH_LEVEL_MS', 4_000),
  /** Pairs sharing the load at half of the one-node peak (the latency measurement). */
  halfPairs: whole('BENCH_HALF_PAIRS', 50),
  /** Parallel clients signing in, each with one user after another. */
  signInClients: whole('BENCH_SIGNIN_CLIENTS', 16),
  signInMs: whole('BENCH_SIGNIN_MS', 15_000),
  /** Wrong-password attempts sent at once against one account… */
  guesses: whole('BENCH_GUESSES', 1_000),
  /** …spread evenly over this many client addresses (X-Forwarded-For). */
  guessAddresses: whole('BENCH_GUESS_ADDRESSES', 50),
};
