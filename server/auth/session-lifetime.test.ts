/**
 * A sign-in's absolute lifetime: however often its refresh token is rotated, every token of the
 * family expires by the sign-in plus `sessionMaxAgeSeconds`, and then the session is over; and
 * expired refresh tokens are pruned from the database when the server starts. Real server, real
 * database; the lifetime is a second here so the end comes within the test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

const refresh = (refreshToken: string) => h.post('/api/auth/refresh', { refreshToken });
const tokenRows = () =>
  h.sql('SELECT family_started_at, created_at, expires_at, used_at FROM refresh_tokens');

describe('the absolute session lifetime', () => {
  it('caps every rotated token at the sign-in plus the lifetime, then ends the session', async () => {
    h = await startHarness({ sessionMaxAgeSeconds: 1, refreshTtlSeconds: 3600 });
    await h.addUser('alice', ['Team']);
    const signedIn = await h.login('alice');
    const first = await refresh(signedIn.refreshToken);
    expect(first.status).toBe(200);
    const rows = await tokenRows();
    expect(rows).toHaveLength(2);
    const started = Number(rows[0]?.family_started_at);
    // Rotation kept the family's start, and the new token ends with the session, not an hour on.
    for (const row of rows) {
      expect(Number(row.family_started_at)).toBe(started);
      expect(Number(row.expires_at)).toBe(started + 1000);
    }
    await sleep(started + 1100 - Date.now());
    const late = await refresh((first.body as { refreshToken: string }).refreshToken);
    expect(late).toMatchObject({ status: 401, body: { error: { code: 'refresh-invalid' } } });
  });

  it('leaves expired refresh tokens to be pruned when the server starts, and keeps live ones', async () => {
    h = await startHarness({ sessionMaxAgeSeconds: 1 });
    await h.addUser('alice', ['Team']);
    await h.login('alice');
    await h.login('alice');
    await sleep(1100);
    expect(await tokenRows()).toHaveLength(2);
    await h.restart();
    const live = await h.login('alice');
    await expect.poll(async () => (await tokenRows()).length).toBe(1);
    expect((await refresh(live.refreshToken)).status).toBe(200);
  });
});
