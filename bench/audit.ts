/**
 * `npm run bench:audit`: the audit trail's costs on this machine. Appends a few thousand records
 * one transaction each, then through the trail as the server does (what arrives within 10 ms goes
 * in one transaction: a burst, and a record a millisecond), prints appends per second, fills the trail to
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
import { createAuditTrail } from '../server/audit/audit-trail.ts';
import { verifyChain } from '../server/audit/verify-chain.ts';

const TOTAL = 100_000;
const SINGLE_APPENDS = 2_000;
const TRAIL_APPENDS = 20_000;
const STREAM_MS = 2_000;

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

  // As the server appends: through the trail, which gathers what arrives within 10 ms into one
  // transaction. A burst recorded at once, then a steady stream (one record a millisecond).
  const trail = createAuditTrail(store, () => undefined);
  started = performance.now();
  for (let i = 0; i < TRAIL_APPENDS; i++) trail.record(entry(i).type, 'server', entry(i).fields);
  await trail.flush();
  const burstMs = performance.now() - started;
  console.log(
    `append through the trail, a burst: ${TRAIL_APPENDS} in ${burstMs.toFixed(0)} ms = ${Math.round((TRAIL_APPENDS * 1000) / burstMs)}/s`,
  );
  started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < STREAM_MS; i++) {
    trail.record(entry(i).type, 'server', entry(i).fields);
    await new Promise((tick) => setTimeout(tick, 1));
  }
  await trail.flush();
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `append through the trail, ${STREAM_MS} records one at a time as they come: ${(performance.now() - started).toFixed(0)} ms, ` +
      `CPU ${((cpu.user + cpu.system) / STREAM_MS).toFixed(0)} µs per record (timers included)`,
  );

  // The rest in one transaction, chained exactly as appends chain them.
  const db = new DatabaseSync(join(dir, 'advisor.db'));
  const insert = db.prepare(
    `INSERT INTO audit_records (seq, at, type, actor, fields, prev_hash, hash, call_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let head: Pick<AuditHead, 'seq' | 'hash'> = await store.head();
  db.exec('BEGIN IMMEDIATE');
  for (let i = SINGLE_APPENDS + TRAIL_APPENDS + STREAM_MS; i < TOTAL; i++) {
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
