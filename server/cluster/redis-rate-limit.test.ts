/**
 * Token buckets in a real Redis and in memory alike: parallel takes never spend more than the
 * bucket holds (one Lua script each, atomic), a token given back can be taken again, and giving
 * back never fills a bucket beyond its capacity. Refill is an hour per token here, so no test
 * depends on how fast it runs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, type RateLimiter } from '../auth/rate-limit.ts';
import { silentLogger } from '../log.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { connectRedis, type Redis } from './redis-client.ts';
import { createRedisRateLimiter } from './redis-rate-limit.ts';

let redis: RedisProcess;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = await connectRedis(redis.url, silentLogger);
});
afterAll(async () => {
  await client.close();
  await redis.close();
});

const LIMIT = { capacity: 5, refillPerSecond: 1 / 3600 };

const takeAll = async (limiter: RateLimiter, key: string, n: number) =>
  (await Promise.all(Array.from({ length: n }, () => limiter.take(key)))).filter(Boolean).length;

describe.each([
  ['Redis', () => createRedisRateLimiter(client, 'test', LIMIT)],
  ['memory', () => createMemoryRateLimiter(LIMIT)],
])('the %s rate limiter', (_name, make: () => RateLimiter) => {
  it('lets exactly the capacity of parallel takes through', async () => {
    const limiter = make();
    const key = randomUUID();
    expect(await takeAll(limiter, key, 40)).toBe(LIMIT.capacity);
    expect(await limiter.take(key)).toBe(false);
    // Another key has a bucket of its own.
    expect(await takeAll(limiter, randomUUID(), 40)).toBe(LIMIT.capacity);
  });

  it('takes again a token given back, and only that one', async () => {
    const limiter = make();
    const key = randomUUID();
    expect(await takeAll(limiter, key, LIMIT.capacity)).toBe(LIMIT.capacity);
    await Promise.all([limiter.giveBack(key), limiter.giveBack(key)]);
    expect(await takeAll(limiter, key, 10)).toBe(2);
  });

  it('never fills a bucket beyond its capacity by giving back', async () => {
    const limiter = make();
    const key = randomUUID();
    await Promise.all(Array.from({ length: 10 }, () => limiter.giveBack(key)));
    expect(await takeAll(limiter, key, 40)).toBe(LIMIT.capacity);
    await limiter.take(key);
    for (let i = 0; i < 3; i++) await limiter.giveBack(key);
    expect(await takeAll(limiter, key, 40)).toBe(3);
  });
});

describe('the Redis rate limiter', () => {
  it('keys on a hash of the name, not the name, and keeps no key for a full bucket', async () => {
    const limiter = createRedisRateLimiter(client, 'test-keys', LIMIT);
    const name = `alice-${randomUUID()}`;
    await limiter.take(name);
    const keys = await client.keys('rr:rate:test-keys:*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(name);
    expect(await client.pTTL(keys[0] ?? '')).toBeGreaterThan(0);
    await limiter.giveBack(name);
    expect(await client.keys('rr:rate:test-keys:*')).toEqual([]);
  });
});
