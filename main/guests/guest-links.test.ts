/**
 * Meeting links made, listed and revoked by main against the real server (random loopback port,
 * real SQLite) with a session whose tokens live in the real keychain.
 */
import keytar from 'keytar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUEST_PAGE_PATH } from '../../shared/protocol/guest.ts';
import { PASSWORD, startHarness, type Harness } from '../../server/testing/harness.ts';
import { createKeychainVault } from '../auth/vault.ts';
import type { Fetch } from '../session/server-api.ts';
import { createSession, type Session } from '../session/session.ts';
import { createGuestLinks, type GuestLinks } from './guest-links.ts';

const vault = createKeychainVault(keytar);
let h: Harness;
const sessions: Session[] = [];

/** The real fetch, counting requests by method and path; the first `spoil` bearers are spoilt. */
function countingFetch(spoil = 0) {
  const seen: string[] = [];
  let spoilt = 0;
  const impl: Fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    seen.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const headers = new Headers(init?.headers);
    if (url.pathname.startsWith('/api/guest-links') && spoilt < spoil) {
      // A token the server no longer takes (what an expired one gets): answered 401.
      spoilt++;
      headers.set('authorization', 'Bearer not-a-token');
    }
    return fetch(input, { ...init, headers });
  };
  return { impl, seen };
}

async function signedIn(options: { minutes?: number; spoil?: number; user?: string } = {}) {
  const counting = countingFetch(options.spoil);
  const session = createSession({
    vault,
    fetch: counting.impl,
    serverUrl: () => h.url,
    rememberServerUrl: () => undefined,
    onChange: () => undefined,
  });
  sessions.push(session);
  await session.signIn({ serverUrl: h.url, username: options.user ?? 'alice', password: PASSWORD });
  const logs: string[] = [];
  const links: GuestLinks = createGuestLinks({
    session,
    validForMinutes: () => options.minutes ?? 24 * 60,
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
  return { session, links, seen: counting.seen, logs };
}

beforeEach(async () => {
  h = await startHarness();
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
});
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    await session.signOut().catch(() => undefined);
    session.dispose();
  }
  await vault.clear(h.url);
  await h.close();
});

describe('guest links from main', () => {
  it('makes a link on the signed-in server, lists it, and revokes it', async () => {
    const { links, logs } = await signedIn();
    const made = await links.create();
    expect(made.link).toMatch(/\/join\/[A-Za-z0-9_-]{43}$/);
    expect(made.link.startsWith(`${h.url}${GUEST_PAGE_PATH}`)).toBe(true);
    expect(made.expiresAt - made.createdAt).toBe(24 * 60 * 60_000);
    expect(Object.keys(made).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'link']);

    const second = await links.create();
    expect(second.link).not.toBe(made.link);
    expect((await links.list()).links.map((l) => l.id)).toEqual([made.id, second.id]);

    expect(await links.revoke(made.id)).toBeNull();
    expect((await links.list()).links.map((l) => l.id)).toEqual([second.id]);
    // The link is never logged: it opens the advisor's lobby.
    const token = made.link.slice(made.link.lastIndexOf('/') + 1);
    expect(logs.join('\n')).not.toContain(token);
    expect(logs).toContain(JSON.stringify({ event: 'guests.link-created' }));
  });

  it('asks the server for the validity that settings (IT policy) give', async () => {
    const { links } = await signedIn({ minutes: 60 });
    const made = await links.create();
    expect(made.expiresAt - made.createdAt).toBe(60 * 60_000);
    expect((await links.list()).links).toEqual([
      { id: made.id, createdAt: made.createdAt, expiresAt: made.expiresAt },
    ]);
  });

  it('revoking a link that is gone, or is someone else’s, is no error and changes nothing', async () => {
    const alice = await signedIn();
    const bob = await signedIn({ user: 'bob' });
    const made = await alice.links.create();
    expect(await bob.links.revoke(made.id)).toBeNull();
    expect((await alice.links.list()).links.map((l) => l.id)).toEqual([made.id]);
    await alice.links.revoke(made.id);
    expect(await alice.links.revoke(made.id)).toBeNull();
    expect((await bob.links.list()).links).toEqual([]);
  });

  it('refreshes once when the server refuses the access token, then succeeds', async () => {
    const { links, seen } = await signedIn({ spoil: 1 });
    const made = await links.create();
    expect(made.link).toContain(GUEST_PAGE_PATH);
    expect(seen.filter((s) => s.endsWith('/api/guest-links'))).toEqual([
      'POST /api/guest-links',
      'POST /api/guest-links',
    ]);
    expect(seen).toContain('POST /api/auth/refresh');
  });

  it('signed out: says to sign in, and asks the server nothing', async () => {
    const { session, links, seen } = await signedIn();
    await session.signOut();
    const before = seen.length;
    await expect(links.create()).rejects.toMatchObject({
      code: 'not-signed-in',
      message: 'Sign in again to make a meeting link.',
    });
    await expect(links.list()).rejects.toMatchObject({
      message: 'Sign in again to list your meeting links.',
    });
    expect(seen.length).toBe(before);
  });

  it('the server down: says it cannot be reached, in words', async () => {
    const { links } = await signedIn();
    await h.stop();
    await expect(links.create()).rejects.toMatchObject({
      code: 'server-unreachable',
      message: expect.stringMatching(
        /^Could not make a meeting link: Cannot reach the server at http:\/\/127\.0\.0\.1:\d+\./,
      ) as string,
    });
    await expect(links.revoke('0b1e2f3a-aaaa-4bbb-8ccc-123456789abc')).rejects.toMatchObject({
      code: 'server-unreachable',
      message: expect.stringMatching(/^Could not revoke the link: Cannot reach/) as string,
    });
  });

  it('a validity the server refuses comes back as the server’s sentence', async () => {
    // Below GUEST_LINK_MIN_MINUTES: main never sends it (the policy refuses it), the server would.
    const { links } = await signedIn({ minutes: 1 });
    await expect(links.create()).rejects.toMatchObject({
      code: 'server-error',
      message: expect.stringMatching(/^Could not make a meeting link: \S.+/) as string,
    });
  });
});
