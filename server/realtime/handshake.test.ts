import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER } from '../auth/tokens.ts';
import { makeClient, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let aliceId: string;
beforeEach(async () => {
  h = await startHarness({ accessTtlSeconds: 600 });
  aliceId = await h.addUser('alice', ['Team']);
});
afterEach(async () => {
  await h.close();
});

/** Tries to connect with this handshake auth; resolves with the refusal reason or 'connected'. */
function attempt(
  auth: Record<string, unknown> | undefined,
  extra: { query?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const socket = io(h.url, {
    ...(auth ? { auth } : {}),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(extra.query ? { query: extra.query } : {}),
    ...(extra.headers ? { extraHeaders: extra.headers } : {}),
  });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error.message);
    });
  });
}

/** A token as the server would sign it, or not: `kid` null leaves the key id out. */
const sign = (
  claims: { sub?: string; iss?: string; aud?: string; exp?: number | string },
  key: Uint8Array,
  alg = 'HS256',
  kid: string | null = h.signingKeyId,
) => {
  let jwt = new SignJWT({}).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuedAt();
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  jwt = jwt.setIssuer(claims.iss ?? ISSUER).setAudience(claims.aud ?? AUDIENCE);
  return jwt.setExpirationTime(claims.exp ?? '5m').sign(key);
};

describe('socket handshake', () => {
  it('accepts a valid access token in auth', async () => {
    const { accessToken } = await h.login('alice');
    expect(await attempt({ token: accessToken })).toBe('connected');
  });

  it('refuses a missing token, and a token in the query string', async () => {
    const { accessToken } = await h.login('alice');
    expect(await attempt(undefined)).toBe('auth-missing');
    expect(await attempt(undefined, { query: { token: accessToken } })).toBe('auth-missing');
  });

  it('refuses expired, tampered, wrong-algorithm, wrong-audience and wrong-issuer tokens', async () => {
    const key = h.signingKey;
    const expired = await sign({ sub: aliceId, exp: Math.floor(Date.now() / 1000) - 10 }, key);
    expect(await attempt({ token: expired })).toBe('auth-expired');

    const { accessToken } = await h.login('alice');
    const [head, body, sig] = accessToken.split('.');
    const forgedBody = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(body!, 'base64url').toString()),
        sub: 'someone-else',
      }),
    ).toString('base64url');
    expect(await attempt({ token: `${head}.${forgedBody}.${sig}` })).toBe('auth-invalid');

    // HS512 with the right key: still refused because the algorithm is pinned.
    expect(await attempt({ token: await sign({ sub: aliceId }, key, 'HS512') })).toBe(
      'auth-invalid',
    );
    // alg "none": an unsigned token.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(await attempt({ token: none })).toBe('auth-invalid');
    expect(await attempt({ token: await sign({ sub: aliceId, aud: 'someone-else' }, key) })).toBe(
      'auth-invalid',
    );
    expect(await attempt({ token: await sign({ sub: aliceId, iss: 'evil' }, key) })).toBe(
      'auth-invalid',
    );
    const otherKey = new Uint8Array(32).fill(7);
    expect(await attempt({ token: await sign({ sub: aliceId }, otherKey) })).toBe('auth-invalid');
    // The right key, but without its id, or under the id of a key the server does not hold.
    for (const kid of [null, 'no-such-key']) {
      const token = await sign({ sub: aliceId }, key, 'HS256', kid);
      expect(await attempt({ token }), String(kid)).toBe('auth-invalid');
    }
  });

  it('refuses a disabled account at connect', async () => {
    const { accessToken } = await h.login('alice');
    await h.store.setDisabled('alice', true);
    expect(await attempt({ token: accessToken })).toBe('account-disabled');
  });

  it('refuses browser origins that are not allowed, before the upgrade', async () => {
    const { accessToken } = await h.login('alice');
    const res = await fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: 'origin-not-allowed' });
    expect(
      await attempt({ token: accessToken }, { headers: { origin: 'https://evil.example' } }),
    ).toBe('websocket error');
  });

  it('accepts a browser origin that IT allowed', async () => {
    const allowed = await startHarness({ origins: ['https://advisor.example'] });
    await allowed.addUser('zoe', ['Z']);
    const { accessToken } = await allowed.login('zoe');
    const socket = io(allowed.url, {
      auth: { token: accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: 'https://advisor.example' },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    await allowed.close();
  });
});

describe('token expiry on a live socket', () => {
  it('ends the socket with a clear reason when its token expires', async () => {
    const token = await sign(
      { sub: aliceId, exp: Math.floor(Date.now() / 1000) + 2 },
      h.signingKey,
    );
    const socket = io(h.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = makeClient(socket, {
      accessToken: token,
      refreshToken: '',
      expiresIn: 2,
      user: { id: aliceId, username: 'alice', displayName: 'Alice' },
    });
    const expired = client.next<{ message: string }>('auth-expired', 5_000);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect((await expired).message).toMatch(/expired/);
    expect(await disconnected).toBe('io server disconnect');
  });

  it('auth-renew with a fresh token keeps the socket alive; a foreign token is refused', async () => {
    const token = await sign(
      { sub: aliceId, exp: Math.floor(Date.now() / 1000) + 2 },
      h.signingKey,
    );
    const socket = io(h.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const client = makeClient(socket, {
      accessToken: token,
      refreshToken: '',
      expiresIn: 2,
      user: { id: aliceId, username: 'alice', displayName: 'Alice' },
    });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const bobId = await h.addUser('bob', ['Team']);
    const bobs = await sign({ sub: bobId }, h.signingKey);
    expect(await client.send('auth-renew', { token: bobs })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    const fresh = await h.login('alice');
    expect(await client.send('auth-renew', { token: fresh.accessToken })).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(socket.connected).toBe(true);
    expect(client.received('auth-expired')).toEqual([]);
    socket.disconnect();
  });
});
