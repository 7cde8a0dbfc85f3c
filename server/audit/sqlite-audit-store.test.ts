/**
 * The SQLite audit store's durability: its connection commits without waiting for the disk
 * (synchronous=NORMAL), so an append must be acknowledged only once the WAL is flushed, and a
 * failed flush must fail the append. On a real database file, with the flush held by the test.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE, openSqliteDatabase } from '../storage/sqlite-store.ts';
import { tempDir } from '../testing/harness.ts';
import type { AuditEntry } from './audit-record.ts';
import { createSqliteAuditStore, openSqliteAuditStore } from './sqlite-audit-store.ts';
import { walSync } from './wal-sync.ts';

const rang: AuditEntry = { type: 'call.rang', actor: 'u1', fields: { callId: 'c1' } };

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('rr-audit-store-');
  openSqliteDatabase(dir).close();
  file = join(dir, SQLITE_FILE);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A flush the test lets finish (or fail) when it chooses, counting how often it was asked for. */
function heldFlush() {
  const held = { asked: 0, finish: () => {}, fail: (_error: Error) => {} };
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      held.asked += 1;
      held.finish = resolve;
      held.fail = reject;
    });
  return { held, flush };
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

describe('the SQLite audit store', () => {
  it('acknowledges an append only once the WAL is flushed to disk', async () => {
    const { held, flush } = heldFlush();
    const store = createSqliteAuditStore(new DatabaseSync(file), file, flush);
    const appended = store.append(rang, new Date());
    expect(await settledYet(appended)).toBe(false);
    expect(held.asked).toBe(1);
    held.finish();
    expect(await appended).toMatchObject({ seq: 1, type: 'call.rang' });
    store.close();
  });

  it('flushes once for the appends committed before it started, again for those after', async () => {
    const { held, flush } = heldFlush();
    const store = createSqliteAuditStore(new DatabaseSync(file), file, flush);
    const first = [1, 2, 3].map(() => store.append(rang, new Date()));
    expect(await settledYet(Promise.all(first))).toBe(false);
    expect(held.asked).toBe(1);
    const later = store.append(rang, new Date()); // committed while that flush runs
    expect(await settledYet(later)).toBe(false);
    held.finish();
    expect((await Promise.all(first)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await settledYet(later)).toBe(false); // its commit is not covered by the first flush
    expect(held.asked).toBe(2);
    held.finish();
    expect(await later).toMatchObject({ seq: 4 });
    store.close();
  });

  it('fails an append whose flush failed', async () => {
    const { held, flush } = heldFlush();
    const store = createSqliteAuditStore(new DatabaseSync(file), file, flush);
    const appended = store.appendAll([{ entry: rang, at: new Date() }]);
    expect(await settledYet(appended)).toBe(false);
    held.fail(new Error('EIO: i/o error, fsync'));
    await expect(appended).rejects.toThrow('EIO');
    store.close();
  });

  it('flushes the real WAL file, and finds nothing to do where there is none', async () => {
    const store = openSqliteAuditStore(dir);
    expect(await store.append(rang, new Date())).toMatchObject({ seq: 1 });
    store.close(); // the last connection: SQLite checkpoints and removes the WAL
    await expect(walSync(file)()).resolves.toBeUndefined();
    const reopened = openSqliteAuditStore(dir);
    expect(await reopened.head()).toMatchObject({ seq: 1 });
    reopened.close();
  });
});
