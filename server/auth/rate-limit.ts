/** Token-bucket rate limits, keyed by whatever the caller chooses (account, address, socket). */
export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean;
  /** True when `take` would succeed now, without taking. */
  hasToken(key: string): boolean;
  reset(key: string): void;
}

export interface BucketOptions {
  /** Tokens a full bucket holds (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
  now?: () => number;
}

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
    hasToken: (key) => refilled(key, now()).tokens >= 1,
    take(key) {
      const t = now();
      if (++calls % sweepEvery === 0) sweep(t);
      const bucket = refilled(key, t);
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    reset(key) {
      buckets.delete(key);
    },
  };
}
