/**
 * Token buckets in Redis, for limits that must hold whichever node a request reaches (sign-in
 * attempts per account and per address). Keys carry a hash of the account or address, not the
 * name itself, and expire once the bucket would be full again. Taking and giving back are each
 * one Lua script: atomic against every other node's.
 */
import { createHash } from 'node:crypto';
import type { BucketOptions, RateLimiter } from '../auth/rate-limit.ts';
import { LUA_NOW, retrying, script, type Redis } from './redis-client.ts';

// ARGV: capacity, tokens per ms, 'take' (1 when a token was there and is now taken) or 'give'
// (one token back, up to the capacity).
const BUCKET = `${LUA_NOW}
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - at) * rate)
local ok = 1
if ARGV[3] == 'take' then
  if tokens >= 1 then tokens = tokens - 1 else ok = 0 end
else
  tokens = math.min(cap, tokens + 1)
end
if tokens >= cap then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / rate) + 1000)
end
return ok`;

export function createRedisRateLimiter(
  client: Redis,
  name: string,
  options: Omit<BucketOptions, 'now'>,
): RateLimiter {
  const bucket = script(client, BUCKET);
  const key = (raw: string) =>
    `rr:rate:${name}:${createHash('sha256').update(raw).digest('base64url').slice(0, 22)}`;
  const run = async (raw: string, action: 'take' | 'give') =>
    (await bucket([key(raw)], [options.capacity, options.refillPerSecond / 1000, action])) === 1;
  return {
    // Not retried: a take that ran before the connection dropped would be spent twice.
    take: (raw) => run(raw, 'take'),
    // Retried: a token given back twice costs at most one extra attempt, after a success.
    giveBack: async (raw) => {
      await retrying(() => run(raw, 'give'));
    },
    reset: async (raw) => {
      await retrying(() => client.del(key(raw)));
    },
  };
}
