/**
 * Token-bucket rate limits, keyed by whatever the caller chooses (account, address, socket).
 * Async because the sign-in limits are shared by every node in a cluster
 * (server/cluster/redis-rate-limit.ts).
 */
export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): Promise<boolean>;
  /**
   * Returns one token `take` took, for an attempt that turned out not to count (a sign-in with
   * the right password). Never fills a bucket beyond its capacity. Taking first and giving back
   * after is what keeps parallel attempts from all passing a check made before any is counted.
   */
  giveBack(key: string): Promise<void>;
  /** Forgets `key`'s bucket (a full one again), e.g. a socket's once it has gone. */
  reset(key: string): Promise<void>;
}

export interface BucketOptions {
  /** Tokens a full bucket holds (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  now?: () => number;
}

/** Guests' knocks per client address: ten a minute (a person types their name once). */
export const KNOCK_LIMIT = { capacity: 10, refillPerSecond: 10 / 60 } satisfies BucketOptions;

export function createMemoryRateLimiter(options: BucketOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // Full buckets carry no information; drop them now and then so memory stays bounded.
  const sweepEvery = 10_000;
  let calls = 0;

  function sweep(t: number): void {
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond >= options.capacity) {
        buckets.delete(key);
      }
    }
  }

  const refilled = (key: string, t: number) => {
    const bucket = buckets.get(key) ?? { tokens: options.capacity, at: t };
    bucket.tokens = Math.min(
      options.capacity,
      bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond,
    );
    bucket.at = t;
    return bucket;
  };

  return {
    take(key) {
      const t = now();
      if (++calls % sweepEvery === 0) sweep(t);
      const bucket = refilled(key, t);
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return Promise.resolve(false);
      bucket.tokens -= 1;
      return Promise.resolve(true);
    },
    giveBack(key) {
      const bucket = refilled(key, now());
      bucket.tokens = Math.min(options.capacity, bucket.tokens + 1);
      if (bucket.tokens >= options.capacity) buckets.delete(key);
      else buckets.set(key, bucket);
      return Promise.resolve();
    },
    reset(key) {
      buckets.delete(key);
      return Promise.resolve();
    },
  };
}
