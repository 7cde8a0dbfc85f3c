/**
 * `npm run bench:audit`: the audit trail's costs on this machine. Appends a few thousand records
 * one transaction each (as the server does: prints appends per second), fills the trail to
 * 100,000 records of a realistic size in one transaction, then times `audit verify`'s walk over
 * them and a JSON Lines export.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import { canonicalJson } from '../shared/protocol/canonical-json.ts';
import { nextRecord, type AuditEntry, type AuditHead } from '../server/audit/audit-record.ts';
import { exportAudit } from '../server/audit/export.ts';
import { openSqliteAuditStore } from '../server/audit/sqlite-audit-store.ts';
import { verifyChain } from '../server/audit/verify-chain.ts';

const TOTAL = 100_000;
const SINGLE_APPENDS = 2_000;

const person = (i: number) => ({ userId: `user-${i % 50}`, displayName: `Advisor ${i % 50}` });
const entry = (i: number): AuditEntry => ({
  type: 'call.ended',
  actor: 'server',
  fields: {
    callId: `call-${i}`,
    reason: 'hung-up',
    startedAt: new Date(Date.now() - 600_000).toISOString(),
    endedAt: new Date().toISOString(),
    seconds: 600,
    participants: [person(i), person(i + 1)],
  },
});

const dir = mkdtempSync(join(tmpdir(), 'rr-bench-audit-'));
try {
  const store = openSqliteAuditStore(dir);
  let started = performance.now();
  for (let i = 0; i < SINGLE_APPENDS; i++) await store.append(entry(i), new Date());
  const appendMs = performance.now() - started;
  console.log(
    `append (one transaction each): ${SINGLE_APPENDS} in ${appendMs.toFixed(0)} ms = ${Math.round((SINGLE_APPENDS * 1000) / appendMs)}/s`,
  );

  // The rest in one transaction, chained exactly as appends chain them.
  const db = new DatabaseSync(join(dir, 'advisor.db'));
  const insert = db.prepare(
    `INSERT INTO audit_records (seq, at, type, actor, fields, prev_hash, hash, call_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let head: Pick<AuditHead, 'seq' | 'hash'> = await store.head();
  db.exec('BEGIN IMMEDIATE');
  for (let i = SINGLE_APPENDS; i < TOTAL; i++) {
    const e = entry(i);
    const r = nextRecord(head, e, new Date());
    insert.run(
      r.seq,
      r.at,
      r.type,
      r.actor,
      canonicalJson(r.fields),
      r.prevHash,
      r.hash,
      `call-${i}`,
    );
    head = r;
  }
  db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(head.seq, head.hash);
  db.exec('COMMIT');
  db.close();

  started = performance.now();
  const report = await verifyChain(store);
  const verifyMs = performance.now() - started;
  if (!report.ok) throw new Error(report.message);
  console.log(`verify: ${report.count} records in ${verifyMs.toFixed(0)} ms`);

  const sink = new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  });
  started = performance.now();
  const exported = await exportAudit(store, { format: 'jsonl' }, sink);
  console.log(
    `export jsonl: ${exported} records in ${(performance.now() - started).toFixed(0)} ms`,
  );
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
