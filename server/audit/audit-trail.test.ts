/**
 * The trail in front of a real store (SQLite, or PostgreSQL with RR_TEST_DATABASE=postgres):
 * records made in one turn of the event loop go in together, in one transaction, in the order
 * they were made; records made while a write is under way wait for it and go in the next one;
 * a write that fails rejects each of its appends and logs each record's type, and the trail goes
 * on with the next ones.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import type { Database } from '../storage/database.ts';
import { tempDir } from '../testing/harness.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { AuditStore } from './audit-store.ts';
import { createAuditTrail } from './audit-trail.ts';
import { verifyChain } from './verify-chain.ts';

let dir: string;
let database: TestDatabase;
let opened: Database;
beforeEach(async () => {
  dir = tempDir('rr-audit-trail-');
  database = await createTestDatabase(dir);
  opened = await database.open();
});
afterEach(async () => {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real store, with each transaction's size noted (and a way to make the next one fail). */
function watched(store: AuditStore) {
  const transactions: number[] = [];
  const next = { fails: false };
  const wrapped: AuditStore = {
    ...store,
    appendAll: (entries) => {
      transactions.push(entries.length);
      if (next.fails) {
        next.fails = false;
        return Promise.reject(new Error('disk full'));
      }
      return store.appendAll(entries);
    },
  };
  return { wrapped, transactions, next };
}

describe('the audit trail', () => {
  it('stores the records of one turn in one transaction, in order, and the chain verifies', async () => {
    const { wrapped, transactions } = watched(opened.audit);
    const trail = createAuditTrail(wrapped, () => undefined);
    for (let i = 0; i < 50; i++) trail.record('call.rang', `u${i}`, { callId: `c${i}` });
    const last = await trail.append('call.ended', 'server', { callId: 'c49' });
    await trail.flush();

    expect(transactions).toEqual([51]);
    expect(last.seq).toBe(51);
    const page = await opened.audit.page({ afterSeq: 0, limit: 100 });
    expect(page.map((r) => r.actor)).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `u${i}`),
      'server',
    ]);
    expect(await verifyChain(opened.audit)).toMatchObject({ ok: true, count: 51 });
  });

  it('stores a burst larger than one INSERT may carry (2,500 records) as one chain', async () => {
    const trail = createAuditTrail(opened.audit, () => undefined);
    for (let i = 0; i < 2_500; i++) trail.record('call.rang', `u${i}`, { callId: `c${i}` });
    await trail.flush();
    expect(await opened.audit.head()).toMatchObject({ seq: 2_500 });
    expect(await verifyChain(opened.audit)).toMatchObject({ ok: true, count: 2_500 });
  });

  it('sends what was recorded during a write in the next transaction, after it', async () => {
    const { wrapped, transactions } = watched(opened.audit);
    const trail = createAuditTrail(wrapped, () => undefined);
    const first = trail.append('auth.sign-in', 'a');
    await new Promise((later) => setTimeout(later, 20)); // the first write has begun
    const second = trail.append('auth.sign-in', 'b');
    const third = trail.append('auth.sign-out', 'b');
    expect((await Promise.all([first, second, third])).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(transactions).toEqual([1, 2]);
  });

  it('rejects and logs every record of a failed write, then goes on', async () => {
    const { wrapped, next } = watched(opened.audit);
    const logged: unknown[] = [];
    const log: Logger = (event, fields) => logged.push({ event, ...fields });
    const trail = createAuditTrail(wrapped, log);
    next.fails = true;
    const lost = trail.append('auth.sign-in', 'a');
    trail.record('call.rang', 'a');
    await expect(lost).rejects.toThrow('disk full');
    const kept = await trail.append('auth.sign-out', 'a');
    await trail.flush();

    expect(logged).toEqual([
      { event: 'audit.append-failed', type: 'auth.sign-in', error: 'disk full' },
      { event: 'audit.append-failed', type: 'call.rang', error: 'disk full' },
    ]);
    expect(kept.seq).toBe(1);
    expect(await verifyChain(opened.audit)).toMatchObject({ ok: true, count: 1 });
  });
});
