/**
 * The SQLite audit trail's writer thread, on a real database file: writes posted before close are
 * all stored, a write SQLite refuses is rejected with SQLite's error and the next one is stored,
 * and a thread with nothing to write does not keep the process alive.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../storage/sqlite-store.ts';
import { tempDir } from '../testing/harness.ts';
import type { AuditEntry } from './audit-record.ts';
import { openSqliteAuditStore } from './sqlite-audit-store.ts';
import { verifyChain } from './verify-chain.ts';

const run = promisify(execFile);
const rang = (actor: string): AuditEntry => ({
  type: 'call.rang',
  actor,
  fields: { callId: 'c1' },
});

let dir: string;
beforeEach(() => {
  dir = tempDir('rr-audit-thread-');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite audit writer thread', () => {
  it('stores every write posted before close, in order', async () => {
    const store = openSqliteAuditStore(dir);
    const writes = ['a', 'b', 'c'].map((actor) => store.append(rang(actor), new Date()));
    await store.close();
    expect((await Promise.all(writes)).map((r) => [r.seq, r.actor])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    const reopened = openSqliteAuditStore(dir);
    expect(await verifyChain(reopened)).toMatchObject({ ok: true, count: 3 });
    await reopened.close();
  });

  it('rejects a write SQLite refuses with its message, stores none of it, and goes on', async () => {
    const store = openSqliteAuditStore(dir);
    const db = new DatabaseSync(join(dir, SQLITE_FILE));
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON audit_records WHEN NEW.actor = 'refused'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    db.close();
    await store.append(rang('first'), new Date());
    const refused = store.appendAll([
      { entry: rang('second'), at: new Date() },
      { entry: rang('refused'), at: new Date() },
    ]);
    await expect(refused).rejects.toThrow('refused by the test');
    expect(await store.append(rang('third'), new Date())).toMatchObject({ seq: 2, actor: 'third' });
    expect((await store.page({ afterSeq: 0, limit: 10 })).map((r) => r.actor)).toEqual([
      'first',
      'third',
    ]);
    await store.close();
  });

  it('does not keep a process alive once its writes are stored', async () => {
    const module = join(import.meta.dirname, 'sqlite-audit-store.ts');
    const script = `
      const { openSqliteAuditStore } = await import(${JSON.stringify(module)});
      const store = openSqliteAuditStore(process.argv[1]);
      const record = await store.append({ type: 'call.rang', actor: 'left-open', fields: {} }, new Date());
      console.log('stored', record.seq);`;
    // Never closed: the process must still end by itself (the timeout fails the test otherwise).
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, dir], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('stored 1');
  });
});
