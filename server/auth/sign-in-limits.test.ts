/**
 * The sign-in limits against the attacks they exist for, on the real server with its limits in
 * memory (one node) and in a real Redis (several nodes): parallel guesses racing the check, an
 * attacker trying to lock an advisor out, guesses spread over many addresses, and sign-ins
 * starving refreshes behind one address. Distinct client addresses come from X-Forwarded-For
 * through a trusted proxy (the test's own loopback connection), as in proxy-address.test.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis, type Redis } from '../cluster/redis-client.ts';
import { connectRedisState } from '../cluster/redis-state.ts';
import { silentLogger } from '../log.ts';
import type { SharedState } from '../shared-state.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { PASSWORD, startHarness, type Harness } from '../testing/harness.ts';
import { SIGN_IN_LIMITS } from './sign-in-limits.ts';

let redis: RedisProcess;
let redisClient: Redis;
beforeAll(async () => {
  redis = await startRedis();
  redisClient = await connectRedis(redis.url, silentLogger);
});
afterAll(async () => {
  await redisClient.close();
  await redis.close();
});

/** One sign-in, as the client at `from` behind the trusted proxy; resolves the status. */
async function signIn(h: Harness, password: string, from: string, username = 'alice') {
  const res = await fetch(`${h.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ username, password }),
  });
  await res.arrayBuffer();
  return res.status;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe.each([
  ['memory', (): Promise<SharedState | undefined> => Promise.resolve(undefined)],
  [
    'Redis',
    (): Promise<SharedState | undefined> =>
      connectRedisState(
        { url: redis.url, heartbeatMs: 1_000, deadAfterMs: 5_000, timerPollMs: 250 },
        silentLogger,
      ),
  ],
])('sign-in limits (%s)', (_name, makeState) => {
  let h: Harness;
  let state: SharedState | undefined;
  beforeEach(async () => {
    await redisClient.sendCommand(['FLUSHALL']);
    state = await makeState();
    h = await startHarness({ trustProxies: ['127.0.0.1'] }, state ? { state } : {});
    await h.addUser('alice', ['Team']);
  });
  afterEach(async () => {
    await h.close();
    await state?.close();
  });

  it('lets only the per-address budget of 40 parallel wrong guesses be checked; the rest get 429', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () => signIn(h, 'wrong-guess', '203.0.113.5')),
    );
    expect(count(statuses, 401)).toBe(SIGN_IN_LIMITS.pair.capacity);
    expect(count(statuses, 429)).toBe(40 - SIGN_IN_LIMITS.pair.capacity);
  });

  it('an attacker spending the budget at one address does not lock the advisor out at another', async () => {
    for (let i = 0; i < SIGN_IN_LIMITS.pair.capacity; i++) {
      expect(await signIn(h, 'wrong-guess', '203.0.113.5')).toBe(401);
    }
    expect(await signIn(h, 'wrong-guess', '203.0.113.5')).toBe(429);
    // The attacker's address is spent even for the right password (no oracle) ...
    expect(await signIn(h, PASSWORD, '203.0.113.5')).toBe(429);
    // ... and the advisor, elsewhere, signs in, again and again.
    for (let i = 0; i < SIGN_IN_LIMITS.pair.capacity + 2; i++) {
      expect(await signIn(h, PASSWORD, '198.51.100.7')).toBe(200);
    }
  });

  it('a successful sign-in gives its token back: typos before it still count, it does not', async () => {
    const from = '198.51.100.8';
    for (let i = 0; i < SIGN_IN_LIMITS.pair.capacity - 1; i++) {
      expect(await signIn(h, 'typo', from)).toBe(401);
    }
    for (let i = 0; i < 3; i++) expect(await signIn(h, PASSWORD, from)).toBe(200);
    expect(await signIn(h, 'typo', from)).toBe(401);
    expect(await signIn(h, 'typo', from)).toBe(429);
  });

  it('holds the per-account limit against guesses spread over many addresses', async () => {
    const statuses: number[] = [];
    const addresses = Math.ceil(SIGN_IN_LIMITS.account.capacity / SIGN_IN_LIMITS.pair.capacity) + 1;
    for (let a = 0; a < addresses; a++) {
      for (let i = 0; i < SIGN_IN_LIMITS.pair.capacity; i++) {
        statuses.push(await signIn(h, `guess-${a}-${i}`, `203.0.113.${a + 10}`));
      }
    }
    expect(count(statuses, 401)).toBe(SIGN_IN_LIMITS.account.capacity);
    expect(count(statuses, 429)).toBe(statuses.length - SIGN_IN_LIMITS.account.capacity);
    // A fresh address gets nothing checked either, the right password included: the limit is
    // applied before the password is, so it tells a guesser nothing.
    expect(await signIn(h, 'guess-fresh', '192.0.2.44')).toBe(429);
    expect(await signIn(h, PASSWORD, '192.0.2.45')).toBe(429);
    // Another account is not affected.
    await h.addUser('blake', ['Team']);
    expect(await signIn(h, PASSWORD, '192.0.2.46', 'blake')).toBe(200);
  });

  it('refresh keeps working after sign-in attempts used up the address', async () => {
    const from = '198.51.100.20';
    const first = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    const { refreshToken } = (await first.json()) as { refreshToken: string };
    // Different (unknown) accounts, so only the address's sign-in bucket runs dry. Until the
    // first 429 rather than a fixed count: the bucket refills while the loop runs.
    let last = 0;
    for (let i = 0; i < 2 * SIGN_IN_LIMITS.address.capacity && last !== 429; i++) {
      last = await signIn(h, 'wrong-guess', from, `nobody-${i}`);
    }
    expect(last).toBe(429);
    const refreshed = await fetch(`${h.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refreshed.status).toBe(200);
  });
});
