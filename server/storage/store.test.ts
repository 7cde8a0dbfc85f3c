/**
 * The account store's contract, on the test run's store (SQLite, or PostgreSQL with
 * RR_TEST_DATABASE=postgres): what both implementations must do alike. "Two nodes" are two
 * connections of their own to the one database, as two server processes would hold.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { Database } from './database.ts';
import { StoreError, type AccountStore } from './store.ts';

let dir: string;
let database: TestDatabase;
let nodeA: Database;
let nodeB: Database;
let store: AccountStore;
beforeEach(async () => {
  dir = tempDir('rr-store-');
  database = await createTestDatabase(dir);
  nodeA = await database.open();
  nodeB = await database.open();
  store = nodeA.accounts;
});
afterEach(async () => {
  await nodeA.close();
  await nodeB.close();
  rmSync(dir, { recursive: true, force: true });
});

const user = (username: string, displayName = `${username} Tester`) =>
  store.createUser({ username, displayName, passwordHash: `hash-of-${username}` });

const exists = (message: string) => new StoreError('exists', message);
const settled = async (work: Promise<unknown>[]) =>
  (await Promise.allSettled(work)).map((r) =>
    r.status === 'fulfilled' ? 'ok' : (r.reason as unknown),
  );

describe('names taken already', () => {
  it("are the store's own 'exists' error, in the same words on either store", async () => {
    await user('alice');
    await expect(user('alice')).rejects.toEqual(exists('A user named "alice" exists already.'));
    await store.createCircle('Team');
    await expect(store.createCircle('Team')).rejects.toEqual(
      exists('A circle named "Team" exists already.'),
    );
    await store.addMember('Team', 'alice');
    await expect(store.addMember('Team', 'alice')).rejects.toEqual(
      exists('"alice" is in "Team" already.'),
    );
    await expect(store.addMember('Nope', 'alice')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('of two nodes taking the same name at once, one gets it and the other the error', async () => {
    const make = (db: Database) =>
      db.accounts.createUser({ username: 'bob', displayName: 'Bob', passwordHash: 'h' });
    const results = await settled([make(nodeA), make(nodeB)]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.find((r) => r !== 'ok')).toEqual(exists('A user named "bob" exists already.'));
    const circles = await settled([
      nodeA.accounts.createCircle('C'),
      nodeB.accounts.createCircle('C'),
    ]);
    expect(circles.filter((r) => r === 'ok')).toHaveLength(1);
    expect(circles.find((r) => r !== 'ok')).toBeInstanceOf(StoreError);
    expect(await store.countUsers()).toBe(1);
  });
});

describe('circles', () => {
  it("circlesOf gives the user's circles with all their members, ordered, in one query", async () => {
    for (const [name, display] of [
      ['alice', 'Alice'],
      ['bob', 'Bob'],
      ['carol', 'Carol'],
      ['dave', 'Dave'],
    ] as const) {
      await user(name, display);
    }
    for (const circle of ['Wealth', 'Advisors', 'Elsewhere', 'Empty'])
      await store.createCircle(circle);
    for (const [circle, name] of [
      ['Wealth', 'carol'],
      ['Wealth', 'alice'],
      ['Wealth', 'bob'],
      ['Advisors', 'dave'],
      ['Advisors', 'alice'],
      ['Elsewhere', 'bob'],
    ] as const) {
      await store.addMember(circle, name);
    }
    await store.setDisabled('dave', true);
    const names = (circles: Awaited<ReturnType<AccountStore['circlesOf']>>) =>
      circles.map((c) => [c.name, c.members.map((m) => `${m.username}${m.disabled ? '!' : ''}`)]);
    const alice = await store.userByUsername('alice');
    expect(names(await store.circlesOf(alice!.id))).toEqual([
      ['Advisors', ['alice', 'dave!']],
      ['Wealth', ['alice', 'bob', 'carol']],
    ]);
    expect(names(await store.listCircles())).toEqual([
      ['Advisors', ['alice', 'dave!']],
      ['Elsewhere', ['bob']],
      ['Empty', []],
      ['Wealth', ['alice', 'bob', 'carol']],
    ]);
    // Enabled circle-mates only, and nobody shares a circle with someone outside theirs.
    const ids = Object.fromEntries(
      (await store.listUsers()).map((u) => [u.username, u.id] as const),
    );
    expect((await store.circleMateIds(ids.alice!)).sort()).toEqual([ids.bob, ids.carol].sort());
    expect(await store.shareCircle(ids.alice!, ids.dave!)).toBe(true);
    expect(await store.shareCircle(ids.carol!, ids.dave!)).toBe(false);
  });

  it('names the disabled and the unknown among many user ids in one answer', async () => {
    const a = await user('alice');
    const b = await user('bob');
    await store.setDisabled('bob', true);
    expect((await store.inactiveUserIds([a.id, b.id, 'gone'])).sort()).toEqual(
      [b.id, 'gone'].sort(),
    );
    expect(await store.inactiveUserIds([])).toEqual([]);
  });

  it('re-hashes a password only over the hash it checked', async () => {
    const a = await user('alice');
    expect(await store.replacePasswordHash(a.id, 'stale', 'fresh')).toBe(false);
    expect(await store.replacePasswordHash(a.id, 'hash-of-alice', 'fresh')).toBe(true);
    expect((await store.userById(a.id))?.passwordHash).toBe('fresh');
  });
});

describe('refresh tokens', () => {
  const hash = () => randomBytes(16).toString('hex');

  it('rotate once, however many nodes present the same token at once', async () => {
    const alice = await user('alice');
    const now = Date.now();
    for (let round = 0; round < 10; round++) {
      const first = hash();
      const familyId = `family-${round}`;
      await store.insertRefreshToken({
        tokenHash: first,
        familyId,
        userId: alice.id,
        familyStartedAt: now - 1000,
        expiresAt: now + 60_000,
      });
      const nexts = [hash(), hash(), hash(), hash()];
      const won = await Promise.all(
        nexts.map((next, i) =>
          (i % 2 ? nodeB : nodeA).accounts.rotateRefreshToken(first, now, {
            tokenHash: next,
            expiresAt: now + 60_000,
          }),
        ),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = nexts[won.indexOf(true)]!;
      const rows = await database.sql(
        'SELECT token_hash, used_at, family_started_at FROM refresh_tokens WHERE family_id = ?',
        familyId,
      );
      expect(rows).toHaveLength(2);
      expect(await store.refreshToken(first)).toMatchObject({ usedAt: now });
      // The successor keeps the family's start, which the absolute lifetime counts from.
      expect(await store.refreshToken(winner)).toMatchObject({
        familyId,
        userId: alice.id,
        familyStartedAt: now - 1000,
        usedAt: null,
      });
    }
  });

  it('do not rotate once used, revoked or expired', async () => {
    const alice = await user('alice');
    const now = Date.now();
    const insert = (tokenHash: string, familyId: string, expiresAt: number) =>
      store.insertRefreshToken({
        tokenHash,
        familyId,
        userId: alice.id,
        familyStartedAt: now,
        expiresAt,
      });
    await insert('expired', 'f1', now);
    await insert('revoked', 'f2', now + 60_000);
    await store.revokeFamily('f2', now);
    for (const token of ['expired', 'revoked', 'unknown']) {
      expect(
        await store.rotateRefreshToken(token, now, { tokenHash: hash(), expiresAt: now + 1 }),
      ).toBe(false);
    }
    expect(await database.sql('SELECT token_hash FROM refresh_tokens ORDER BY token_hash')).toEqual(
      [{ token_hash: 'expired' }, { token_hash: 'revoked' }],
    );
  });

  it('expired ones are pruned, used or not; live ones stay', async () => {
    const alice = await user('alice');
    const now = Date.now();
    for (const [tokenHash, expiresAt] of [
      ['old', now - 1],
      ['ends-now', now],
      ['live', now + 1],
    ] as const) {
      await store.insertRefreshToken({
        tokenHash,
        familyId: 'f',
        userId: alice.id,
        familyStartedAt: now - 10,
        expiresAt,
      });
    }
    expect(await store.pruneRefreshTokens(now)).toBe(2);
    expect(
      (await database.sql('SELECT token_hash FROM refresh_tokens')).map((r) => r.token_hash),
    ).toEqual(['live']);
    expect(await store.pruneRefreshTokens(now)).toBe(0);
  });
});

describe('server keys', () => {
  it('are listed newest first per purpose, and can be deleted', async () => {
    const [made] = await store.serverKeys('access');
    const later = {
      kid: 'k-later',
      purpose: 'access' as const,
      material: 'x',
      createdAt: made!.createdAt + 5,
    };
    await nodeB.accounts.addServerKey(later);
    expect((await store.serverKeys('access')).map((k) => k.kid)).toEqual([later.kid, made!.kid]);
    await store.deleteServerKey(made!.kid);
    expect(await store.serverKeys('access')).toEqual([later]);
    expect((await store.serverKeys('receipt')).map((k) => k.purpose)).toEqual(['receipt']);
  });
});
