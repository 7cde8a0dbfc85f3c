/**
 * The knock and the guest token on the real server: a knock with a live link gets a guest token;
 * every link that does not open a meeting gets the very same 404; knocks are limited per
 * address; and guest and member tokens are each refused where the other belongs.
 */
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUEST_ID_PREFIX, LINK_INVALID, knockResponseSchema } from '../../shared/protocol/guest.ts';
import { iceServersResponseSchema } from '../../shared/protocol/rest.ts';
import { GUEST_TOKEN_TTL_SECONDS } from '../auth/guest-tokens.ts';
import { knock, makeGuestLink } from '../testing/guests.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let clock: number;
let alice: string;
beforeEach(async () => {
  clock = Date.now();
  h = await startHarness(
    { ice: { stunUrls: ['stun:stun.example:3478'], turnUrls: [], turnTtlSeconds: 3600 } },
    { now: () => clock },
  );
  await h.addUser('alice', ['Team']);
  alice = (await h.login('alice')).accessToken;
});
afterEach(async () => {
  await h.close();
});

const invalid = { status: 404, body: { error: LINK_INVALID } };

describe('knocking with a meeting link', () => {
  it('answers a live link with a guest id, a four-hour guest token and the advisor name', async () => {
    const link = await makeGuestLink(h, alice);
    const res = await h.post('/api/guest/knock', { token: link.token, name: '  Pat Guest ' });
    expect(res.status).toBe(200);
    const body = knockResponseSchema.parse(res.body);
    expect(body.guestId).toMatch(new RegExp(`^${GUEST_ID_PREFIX}[A-Za-z0-9_-]{22}$`));
    expect(body).toMatchObject({ expiresIn: GUEST_TOKEN_TTL_SECONDS, advisorName: 'Alice Tester' });
    expect(GUEST_TOKEN_TTL_SECONDS).toBe(4 * 3600);
    // Each knock is a new guest.
    expect((await knock(h, link.token, 'Pat')).guestId).not.toBe(body.guestId);
  });

  it('refuses an empty or overlong name with a sentence for the guest', async () => {
    const link = await makeGuestLink(h, alice);
    const empty = await h.post('/api/guest/knock', { token: link.token, name: '   ' });
    expect(empty).toMatchObject({
      status: 400,
      body: {
        error: { code: 'invalid-body', message: expect.stringContaining('Enter your name.') },
      },
    });
    const long = await h.post('/api/guest/knock', { token: link.token, name: 'x'.repeat(101) });
    expect(long.status).toBe(400);
  });

  it('answers unknown, malformed, expired and revoked links and a disabled advisor identically', async () => {
    const answers = [];
    answers.push(
      await h.post('/api/guest/knock', { token: randomBytes(32).toString('base64url'), name: 'P' }),
    );
    answers.push(await h.post('/api/guest/knock', { token: 'short', name: 'P' }));
    const expiring = await makeGuestLink(h, alice, 5);
    const revoked = await makeGuestLink(h, alice);
    const live = await makeGuestLink(h, alice);
    clock += 5 * 60_000;
    answers.push(await h.post('/api/guest/knock', { token: expiring.token, name: 'P' }));
    expect((await h.del(`/api/guest-links/${revoked.id}`, alice)).status).toBe(204);
    answers.push(await h.post('/api/guest/knock', { token: revoked.token, name: 'P' }));
    expect((await h.post('/api/guest/knock', { token: live.token, name: 'P' })).status).toBe(200);
    await h.store.setDisabled('alice', true);
    answers.push(await h.post('/api/guest/knock', { token: live.token, name: 'P' }));
    for (const answer of answers) expect(answer).toEqual(invalid);
  });

  it('allows ten knocks a minute from one address, then answers 429 with a sentence', async () => {
    const link = await makeGuestLink(h, alice);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      // Wrong and right tokens alike spend the budget.
      const token = i % 2 === 0 ? link.token : 'wrong';
      statuses.push((await h.post('/api/guest/knock', { token, name: 'P' })).status);
    }
    expect(statuses).toEqual([200, 404, 200, 404, 200, 404, 200, 404, 200, 404]);
    const limited = await h.post('/api/guest/knock', { token: link.token, name: 'P' });
    expect(limited).toEqual({
      status: 429,
      body: {
        error: {
          code: 'rate-limited',
          message: 'Too many attempts to join from this network. Wait a minute and try again.',
        },
      },
    });
  });
});

describe('guest tokens and member tokens', () => {
  it('the guest token gets ICE servers for the guest and nothing a member may reach', async () => {
    const link = await makeGuestLink(h, alice);
    const { guestId, guestToken } = await knock(h, link.token, 'Pat');
    const ice = await h.get('/api/guest/ice-servers', guestToken);
    expect(ice.status).toBe(200);
    expect(iceServersResponseSchema.parse(ice.body).iceServers).toEqual([
      { urls: ['stun:stun.example:3478'] },
    ]);
    for (const path of ['/api/me', '/api/circles', '/api/ice-servers', '/api/guest-links']) {
      const res = await h.get(path, guestToken);
      expect(res.status, path).toBe(401);
      expect(res.body, path).toMatchObject({ error: { code: 'auth-invalid' } });
    }
    expect((await h.post('/api/guest-links', {}, guestToken)).status).toBe(401);
    expect((await h.del(`/api/guest-links/${link.id}`, guestToken)).status).toBe(401);
    // Not even the shape of a refresh token: refused before any lookup.
    const refresh = await h.post('/api/auth/refresh', { refreshToken: guestToken });
    expect([400, 401]).toContain(refresh.status);
    // The link still works: the guest revoked nothing.
    expect((await knock(h, link.token, 'Pat')).guestId).not.toBe(guestId);
  });

  it('a member token, a missing one and a forged one get no guest ICE servers', async () => {
    expect(await h.get('/api/guest/ice-servers', alice)).toMatchObject({
      status: 401,
      body: { error: { code: 'auth-invalid' } },
    });
    expect((await h.get('/api/guest/ice-servers')).status).toBe(401);
    const link = await makeGuestLink(h, alice);
    const { guestToken } = await knock(h, link.token, 'Pat');
    const [head, body] = guestToken.split('.');
    expect((await h.get('/api/guest/ice-servers', `${head}.${body}.forged`)).status).toBe(401);
  });

  it('a socket opens with a guest token, and a member socket cannot renew with one', async () => {
    const link = await makeGuestLink(h, alice);
    const { guestToken } = await knock(h, link.token, 'Pat');
    const socket = io(h.url, {
      auth: { token: guestToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    const member = await h.connect('alice');
    expect(await member.send('auth-renew', { token: guestToken })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
  });
});
