/**
 * An advisor's meeting links on the real server (real SQLite): made, listed while live, revoked
 * by their advisor only, expired by the (injected) clock, and stored as hashes only.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GUEST_LINK_MAX_MINUTES,
  guestLinksResponseSchema,
  type GuestLink,
} from '../../shared/protocol/guest.ts';
import { hashToken } from '../auth/tokens.ts';
import { makeGuestLink } from '../testing/guests.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let clock: number;
let alice: string;
let bob: string;
beforeEach(async () => {
  clock = Date.UTC(2030, 0, 1, 9);
  h = await startHarness({}, { now: () => clock });
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
  alice = (await h.login('alice')).accessToken;
  bob = (await h.login('bob')).accessToken;
});
afterEach(async () => {
  await h.close();
});

const listed = async (token: string): Promise<GuestLink[]> => {
  const res = await h.get('/api/guest-links', token);
  expect(res.status).toBe(200);
  return guestLinksResponseSchema.parse(res.body).links;
};

describe('guest links', () => {
  it('makes a link valid for a day by default, or as long as asked, and lists only the advisor own', async () => {
    const day = await makeGuestLink(h, alice);
    expect(day).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      createdAt: clock,
      expiresAt: clock + GUEST_LINK_MAX_MINUTES * 60_000,
    });
    const hour = await makeGuestLink(h, alice, 60);
    expect(hour.expiresAt).toBe(clock + 3_600_000);
    expect(hour.token).not.toBe(day.token);
    const { token: _, ...dayView } = day;
    const { token: __, ...hourView } = hour;
    expect(await listed(alice)).toEqual([dayView, hourView]);
    expect(await listed(bob)).toEqual([]);
  });

  it('refuses a validity outside the allowed range with a clear error', async () => {
    for (const validForMinutes of [1, GUEST_LINK_MAX_MINUTES + 1, 2.5, 'soon']) {
      const res = await h.post('/api/guest-links', { validForMinutes }, alice);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid-body' } });
    }
  });

  it('drops expired links from the list once the clock passes their expiry', async () => {
    const short = await makeGuestLink(h, alice, 5);
    const long = await makeGuestLink(h, alice, 60);
    clock += 5 * 60_000 - 1;
    expect((await listed(alice)).map((l) => l.id)).toEqual([short.id, long.id]);
    clock += 1;
    expect((await listed(alice)).map((l) => l.id)).toEqual([long.id]);
  });

  it('revokes a link of the advisor (204), and answers 404 for anyone else, an unknown id and a second revoke', async () => {
    const link = await makeGuestLink(h, alice);
    expect(await h.del(`/api/guest-links/${link.id}`, bob)).toMatchObject({ status: 404 });
    expect(await listed(alice)).toHaveLength(1);
    expect(await h.del('/api/guest-links/no-such-link', alice)).toMatchObject({ status: 404 });
    expect(await h.del('/api/guest-links/a.b', alice)).toMatchObject({ status: 404 });
    expect(await h.del(`/api/guest-links/${link.id}`, alice)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await listed(alice)).toEqual([]);
    expect(await h.del(`/api/guest-links/${link.id}`, alice)).toMatchObject({
      status: 404,
      body: { error: { code: 'not-found', message: 'There is no such meeting link.' } },
    });
  });

  it('needs a signed-in member for every link route', async () => {
    expect((await h.post('/api/guest-links', {})).status).toBe(401);
    expect((await h.get('/api/guest-links')).status).toBe(401);
    expect((await h.del('/api/guest-links/x')).status).toBe(401);
  });

  it('stores only the hash of a link token: the token is nowhere in the database files', async () => {
    const link = await makeGuestLink(h, alice);
    const rows = await h.sql(
      'SELECT id, token_hash, advisor_id, created_at, expires_at, revoked_at FROM guest_links',
    );
    expect(rows).toEqual([
      {
        id: link.id,
        token_hash: hashToken(link.token),
        advisor_id: (await h.store.userByUsername('alice'))!.id,
        created_at: link.createdAt,
        expires_at: link.expiresAt,
        revoked_at: null,
      },
    ]);
    // Every file of the database (SQLite's main file, WAL and shared memory; PostgreSQL's
    // table files and write-ahead log), read raw.
    const files = await h.database.files();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).includes(link.token)).toBe(false);
  });
});
