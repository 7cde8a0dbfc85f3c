/**
 * The limits per address behind a reverse proxy: with `--trust-proxy` each client has its own
 * bucket (named by the proxy in X-Forwarded-For); without it, or from any other peer, the header
 * changes nothing and the bucket is the connection's. Refreshes spend the refresh bucket, which
 * sign-ins do not share.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryState } from '../shared-state.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { createMemoryRateLimiter } from './rate-limit.ts';
import { SIGN_IN_LIMITS, createSignInLimits } from './sign-in-limits.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A server whose limits' clock stands still: no bucket refills while a test spends it. */
const start = (trustProxies?: string[]) =>
  startHarness(trustProxies ? { trustProxies } : {}, {
    state: {
      ...createMemoryState(),
      signIn: createSignInLimits((_name, limit) =>
        createMemoryRateLimiter({ ...limit, now: () => 0 }),
      ),
    },
  });

/** One refresh attempt (cheap: no password hash) as if forwarded for `forwardedFor`. */
async function attempt(server: Harness, forwardedFor?: string): Promise<number> {
  const res = await fetch(`${server.url}/api/auth/refresh`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    },
    body: JSON.stringify({ refreshToken: 'not-a-token' }),
  });
  await res.arrayBuffer();
  return res.status;
}

const login = (server: Harness, forwardedFor: string) =>
  fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ username: 'nobody', password: 'wrong' }),
  }).then(async (res) => {
    await res.arrayBuffer();
    return res.status;
  });

/** Spends a whole refresh bucket, each attempt refused as a bad token, not yet as too many. */
async function exhaust(server: Harness, forwardedFor: (i: number) => string | undefined) {
  for (let i = 0; i < SIGN_IN_LIMITS.refresh.capacity; i++) {
    expect(await attempt(server, forwardedFor(i))).toBe(401);
  }
}

describe('limits per address behind a reverse proxy', () => {
  it('through a trusted proxy, one client trips its own limit and another client is unaffected', async () => {
    // The test's loopback connections play the proxy.
    h = await start(['127.0.0.1']);
    await exhaust(h, () => '203.0.113.5');
    expect(await attempt(h, '203.0.113.5')).toBe(429);
    // Sign-ins have a bucket of their own.
    expect(await login(h, '203.0.113.5')).toBe(401);
    // What the client wrote to the left of the proxy's entry does not buy a fresh bucket.
    expect(await attempt(h, '198.51.100.1, 203.0.113.5')).toBe(429);
    expect(await attempt(h, '::ffff:203.0.113.5')).toBe(429);
    // Another client behind the same proxy has a bucket of its own.
    expect(await attempt(h, '203.0.113.6')).toBe(401);
    expect(await login(h, '203.0.113.6')).toBe(401);
    // A chain through a second trusted proxy still names the client, not that proxy.
    expect(await attempt(h, '203.0.113.7, 127.0.0.1')).toBe(401);
  });

  it('from a peer that is not a trusted proxy, X-Forwarded-For changes nothing', async () => {
    h = await start(['10.0.0.2']);
    await exhaust(h, (i) => `203.0.113.${i}`);
    expect(await attempt(h, '198.51.100.99')).toBe(429);
    expect(await attempt(h)).toBe(429);
  });

  it('trusts no proxy by default: the connection is the client', async () => {
    h = await start();
    await exhaust(h, (i) => `203.0.113.${i}`);
    expect(await attempt(h, '198.51.100.99')).toBe(429);
  });
});
