import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenPairSchema } from '../../shared/protocol/rest.ts';
import { PASSWORD, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.addUser('alice', ['Team']);
});
afterEach(async () => {
  await h.close();
});

describe('sign-in', () => {
  it('returns a token pair and the profile for the right password', async () => {
    const { status, body } = await h.post('/api/auth/login', {
      username: 'alice',
      password: PASSWORD,
    });
    expect(status).toBe(200);
    const pair = tokenPairSchema.parse(body);
    expect(pair.user).toMatchObject({ username: 'alice', displayName: 'Alice Tester' });
    expect(pair.expiresIn).toBeLessThanOrEqual(600);
    const me = await h.get('/api/me', pair.accessToken);
    expect(me).toEqual({ status: 200, body: pair.user });
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    const wrong = await h.post('/api/auth/login', { username: 'alice', password: 'nope-nope' });
    const unknown = await h.post('/api/auth/login', { username: 'zed', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    expect(wrong.body).toMatchObject({ error: { code: 'bad-credentials' } });
  });

  it('refuses a disabled account', async () => {
    await h.store.setDisabled('alice', true);
    const res = await h.post('/api/auth/login', { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'account-disabled' } });
  });

  it('refuses malformed bodies with a clear error', async () => {
    const res = await h.post('/api/auth/login', { username: 'alice' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid-body' } });
    const raw = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(raw.status).toBe(400);
    const big = await fetch(`${h.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'x'.repeat(20_000) }),
    });
    expect(big.status).toBe(413);
  });

  it('rate-limits failed sign-ins per account and address (sign-in-limits.test.ts has the rest)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await h.post('/api/auth/login', { username: 'alice', password: 'wrong-one' })).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Even the right password waits, from this address, until the budget refills.
    const res = await h.post('/api/auth/login', { username: 'alice', password: PASSWORD });
    expect(res.status).toBe(429);
  });

  it('needs a bearer token for /api/me', async () => {
    expect((await h.get('/api/me')).status).toBe(401);
    expect((await h.get('/api/me', 'abc.def.ghi')).body).toMatchObject({
      error: { code: 'auth-invalid' },
    });
  });
});

describe('refresh rotation', () => {
  it('rotates: the new pair works and the old refresh token is dead', async () => {
    const first = await h.login('alice');
    const second = await h.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    const pair = tokenPairSchema.parse(second.body);
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect((await h.get('/api/me', pair.accessToken)).status).toBe(200);
    const again = await h.post('/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(again.status).toBe(401);
  });

  it('reuse of a rotated token revokes the whole family', async () => {
    const first = await h.login('alice');
    const other = await h.login('alice'); // another device: another family
    const second = tokenPairSchema.parse(
      (await h.post('/api/auth/refresh', { refreshToken: first.refreshToken })).body,
    );
    expect((await h.post('/api/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(
      401,
    );
    // The thief's replay killed the legitimate successor too ...
    expect((await h.post('/api/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(
      401,
    );
    // ... but not the other device's family.
    expect((await h.post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(
      200,
    );
  });

  it('logout revokes the family', async () => {
    const pair = await h.login('alice');
    expect((await h.post('/api/auth/logout', { refreshToken: pair.refreshToken })).status).toBe(
      200,
    );
    expect((await h.post('/api/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(
      401,
    );
  });

  it('a disabled account cannot refresh', async () => {
    const pair = await h.login('alice');
    await h.store.setDisabled('alice', true);
    expect((await h.post('/api/auth/refresh', { refreshToken: pair.refreshToken })).status).toBe(
      401,
    );
  });

  it('stores refresh tokens only as hashes', async () => {
    const pair = await h.login('alice');
    const rows = await h.sql('SELECT * FROM refresh_tokens');
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows)).not.toContain(pair.refreshToken);
  });
});
