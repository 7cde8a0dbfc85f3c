/**
 * Token buckets in Redis, for limits that must hold whichever node a request reaches (sign-in
 * attempts per account and per address). Keys carry a hash of the account or address, not the
 * name itself, and expire once the bucket would be full again.
 */
import { createHash } from 'node:crypto';
import type { BucketOptions, RateLimiter } from '../auth/rate-limit.ts';
import { LUA_NOW, retrying, script, type Redis } from './redis-client.ts';

// ARGV: capacity, tokens per ms, 1 to take a token (0 to only look).
const BUCKET = `${LUA_NOW}
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - at) * rate)
local ok = tokens >= 1
if ARGV[3] == '1' then
  if ok then tokens = tokens - 1 end
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / rate) + 1000)
end
if ok then return 1 end
return 0`;

export function createRedisRateLimiter(
  client: Redis,
  name: string,
  options: Omit<BucketOptions, 'now'>,
): RateLimiter {
  const bucket = script(client, BUCKET);
  const key = (raw: string) =>
    `rr:rate:${name}:${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}`;
  const run = async (raw: string, take: boolean) =>
    (await bucket([key(raw)], [options.capacity, options.refillPerSecond / 1000, take ? 1 : 0])) ===
    1;
  return {
    take: (raw) => run(raw, true),
    hasToken: (raw) => retrying(() => run(raw, false)),
    reset: async (raw) => {
      await retrying(() => client.del(key(raw)));
    },
  };
}
