/**
 * The audit trail's chain on a real database (a SQLite file, or with RR_TEST_DATABASE=postgres a
 * PostgreSQL database): appends link up, verify walks them, and each
 * kind of tampering (a changed field, a changed and re-sealed record, a deleted middle record, a
 * deleted last record, a record slipped in) is reported at its seq. Three processes appending to
 * one database at once still make one unbroken chain. Retention prunes a prefix and leaves the chain
 * verifiable from its anchor, and tampering after a prune is still found.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseServerConfig } from '../config.ts';
import type { Database } from '../storage/database.ts';
import { startHarness, tempDir } from '../testing/harness.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { GENESIS_HASH, hashRecord, type AuditRecord } from './audit-record.ts';
import type { AuditStore } from './audit-store.ts';
import { DEFAULT_AUDIT_RETENTION_DAYS, pruneAudit, startRetention } from './retention.ts';
import { verifyChain } from './verify-chain.ts';

const run = promisify(execFile);
const DAY = 86_400_000;
const NOW = Date.parse('2031-06-01T12:00:00Z');

let dir: string;
let database: TestDatabase;
let opened: Database;
let store: AuditStore;
beforeEach(async () => {
  dir = tempDir('rr-audit-');
  database = await createTestDatabase(dir);
  opened = await database.open();
  store = opened.audit;
});
afterEach(async () => {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `count` sign-ins, one a day, the last `endDaysAgo` days before NOW. */
async function appendDays(count: number, endDaysAgo = 0): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(NOW - (endDaysAgo + count - 1 - i) * DAY);
    const fields = { username: `user${i}`, address: '127.0.0.1', note: `a, "quoted"\nline ${i}` };
    records.push(await store.append({ type: 'auth.sign-in', actor: `u${i}`, fields }, at));
  }
  return records;
}

const sql = (statement: string, ...params: (string | number)[]) =>
  database.sql(statement, ...params);

describe('the audit chain', () => {
  it('links each record to the one before, from the genesis hash, and verifies', async () => {
    const records = await appendDays(5);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]?.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) {
      expect(records[i]?.prevHash).toBe(records[i - 1]?.hash);
    }
    for (const record of records) expect(hashRecord(record)).toBe(record.hash);
    expect(await store.page({ afterSeq: 0, limit: 10 })).toEqual(records);
    expect(await verifyChain(store)).toEqual({
      ok: true,
      count: 5,
      head: { seq: 5, hash: records[4]?.hash, anchorSeq: 0, anchorHash: GENESIS_HASH },
    });
  });

  it('finds a changed field', async () => {
    await appendDays(5);
    const fields = JSON.stringify({ username: 'someone-else', address: '127.0.0.1' });
    await sql('UPDATE audit_records SET fields = ? WHERE seq = 3', fields);
    expect(await verifyChain(store)).toMatchObject({ ok: false, seq: 3, problem: 'changed' });
  });

  it('finds a record changed and sealed again with a fresh hash', async () => {
    const records = await appendDays(5);
    const forged = { ...records[2]!, actor: 'someone-else' };
    await sql(
      'UPDATE audit_records SET actor = ?, hash = ? WHERE seq = 3',
      forged.actor,
      hashRecord(forged),
    );
    expect(await verifyChain(store)).toMatchObject({ ok: false, seq: 3, problem: 'changed' });
  });

  it('finds a deleted middle record', async () => {
    await appendDays(5);
    await sql('DELETE FROM audit_records WHERE seq = 3');
    const report = await verifyChain(store);
    expect(report).toMatchObject({ ok: false, seq: 3, problem: 'deleted' });
    expect(report.ok || report.message).toMatch(/Record 3 is missing/);
  });

  it('finds deleted last records through the head', async () => {
    await appendDays(5);
    await sql('DELETE FROM audit_records WHERE seq >= 4');
    const report = await verifyChain(store);
    expect(report).toMatchObject({ ok: false, seq: 4, problem: 'deleted' });
    expect(report.ok || report.message).toMatch(/Records 4 to 5 are missing/);
  });

  it('finds a record slipped in past the head', async () => {
    const records = await appendDays(2);
    const extra = { ...records[1]!, seq: 3, prevHash: records[1]!.hash };
    await sql(
      `INSERT INTO audit_records (seq, at, type, actor, fields, prev_hash, hash)
       VALUES (3, ?, ?, ?, ?, ?, ?)`,
      extra.at,
      extra.type,
      extra.actor,
      JSON.stringify(extra.fields),
      extra.prevHash,
      hashRecord(extra),
    );
    expect(await verifyChain(store)).toMatchObject({ ok: false, seq: 3, problem: 'added' });
  });

  it('stays one chain when three processes append to the same database at once', async () => {
    const module = join(import.meta.dirname, '..', 'storage', 'database.ts');
    const script = `
      const { openDatabase } = await import(${JSON.stringify(module)});
      const [dataDir, actor, url] = process.argv.slice(1);
      const database = await openDatabase({ dataDir, url: url || undefined });
      for (let i = 0; i < 150; i++) {
        await database.audit.append({ type: 'call.rang', actor, fields: { i } }, new Date());
      }
      await database.close();`;
    const append = (actor: string) =>
      run(process.execPath, ['--input-type=module', '-e', script, dir, actor, database.url ?? '']);
    await Promise.all([append('node-a'), append('node-b'), append('node-c')]);
    expect(await verifyChain(store)).toMatchObject({ ok: true, count: 450 });
    const actors = (await store.page({ afterSeq: 0, limit: 1_000 })).map((r) => r.actor);
    for (const actor of ['node-a', 'node-b', 'node-c']) {
      expect(actors.filter((a) => a === actor)).toHaveLength(150);
    }
  });
});

describe('retention', () => {
  it('prunes the old records, anchors the chain at the last one, and still verifies', async () => {
    const records = await appendDays(10); // one a day, the last today
    // Four days' retention keeps the records of the last four days (ages 4 to 0).
    expect(await pruneAudit(store, 4, NOW)).toEqual({ count: 5, anchorSeq: 5 });
    const left = await store.page({ afterSeq: 0, limit: 100 });
    expect(left.map((r) => r.seq)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(left.at(-1)).toMatchObject({
      type: 'audit.pruned',
      actor: 'server',
      fields: { throughSeq: 5, count: 5, anchorHash: records[4]?.hash },
    });
    expect(await verifyChain(store)).toEqual({
      ok: true,
      count: 6,
      head: { seq: 11, hash: left.at(-1)?.hash, anchorSeq: 5, anchorHash: records[4]?.hash },
    });
    // Nothing is old enough now: a second prune changes nothing.
    expect(await pruneAudit(store, 4, NOW)).toEqual({ count: 0, anchorSeq: 5 });
    expect(await verifyChain(store)).toMatchObject({ ok: true, count: 6 });
  });

  it('still finds tampering after a prune: a changed record, the first one deleted', async () => {
    await appendDays(10);
    await pruneAudit(store, 4, NOW);
    await sql('UPDATE audit_records SET actor = ? WHERE seq = 8', 'someone-else');
    expect(await verifyChain(store)).toMatchObject({ ok: false, seq: 8, problem: 'changed' });
    // The oldest record left, deleted by hand: a gap after the anchor, not a prune.
    await sql('DELETE FROM audit_records WHERE seq = 6');
    expect(await verifyChain(store)).toMatchObject({ ok: false, seq: 6, problem: 'deleted' });
  });

  it('runs at start and then on its interval', async () => {
    await appendDays(10);
    const logged: string[] = [];
    let now = NOW;
    const retention = startRetention({
      store,
      retentionDays: 4,
      log: (event) => logged.push(event),
      now: () => now,
      intervalMs: 50,
    });
    await expect.poll(async () => (await store.head()).anchorSeq).toBe(5);
    now += 2 * DAY; // two more days pass: two more records are old enough
    await expect.poll(async () => (await store.head()).anchorSeq).toBe(7);
    await retention.stop();
    expect(logged).toEqual(['audit.pruned', 'audit.pruned']);
    expect(await verifyChain(store)).toMatchObject({ ok: true });
  });

  it('is six years unless --audit-retention-days or RR_AUDIT_RETENTION_DAYS says otherwise', () => {
    const days = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const config = parseServerConfig(argv, env);
      return config === 'help' ? undefined : config.auditRetentionDays;
    };
    expect(DEFAULT_AUDIT_RETENTION_DAYS).toBe(2192);
    expect(days([])).toBe(2192);
    expect(days(['--audit-retention-days', '400'])).toBe(400);
    expect(days([], { RR_AUDIT_RETENTION_DAYS: '30' })).toBe(30);
    expect(() => days(['--audit-retention-days', '0'])).toThrow(
      '--audit-retention-days must be a whole number from 1',
    );
  });

  it('is applied by the server when it starts', async () => {
    const h = await startHarness({ auditRetentionDays: 30 });
    try {
      const old = new Date(Date.now() - 31 * DAY);
      for (let i = 0; i < 3; i++) {
        await h.audit.store.append({ type: 'auth.sign-in', actor: 'u', fields: { i } }, old);
      }
      await h.restart();
      await expect.poll(async () => (await h.audit.store.head()).anchorSeq).toBeGreaterThan(0);
      // Nothing older than 30 days is left, and the chain still verifies from its new anchor.
      const left = await h.audit.store.page({ afterSeq: 0, limit: 100 });
      expect(left.filter((r) => r.at < new Date(Date.now() - 30 * DAY).toISOString())).toEqual([]);
      expect(left.at(-1)?.type).toBe('audit.pruned');
      expect(await verifyChain(h.audit.store)).toMatchObject({ ok: true });
    } finally {
      await h.close();
    }
  });
});
