/**
 * The audit trail in the server's SQLite file (advisor.db, beside the accounts). Appends and
 * prunes run in BEGIN IMMEDIATE transactions: the write lock is taken before the head is read, so
 * of several nodes (or the admin CLI) appending at once each sees the head the previous one left.
 * Reading the whole chain uses its own read-only connection: one snapshot, however long it takes.
 */
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SQLITE_FILE, openSqliteDatabase } from '../storage/sqlite-store.ts';
import { SERVER_ACTOR, nextRecord, type AuditEntry, type AuditRecord } from './audit-record.ts';
import { RECORD_COLUMNS, toHead, toRecord, toRow } from './audit-rows.ts';
import type { AuditStore } from './audit-store.ts';

/** A sync result (or throw) as a promise, so callers see one async interface. */
const promised = <T>(work: () => T): Promise<T> =>
  new Promise((resolve) => {
    resolve(work());
  });

/** Opens the trail in the data folder's database (creating and migrating it first if need be). */
export function openSqliteAuditStore(dataDir: string): AuditStore {
  openSqliteDatabase(dataDir).close(); // creates and migrates the schema
  const file = join(dataDir, SQLITE_FILE);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  return createSqliteAuditStore(db, file);
}

function createSqliteAuditStore(db: DatabaseSync, file: string): AuditStore {
  const q = {
    head: db.prepare('SELECT * FROM audit_head WHERE id = 1'),
    insert: db.prepare(
      `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setHead: db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1'),
    setAnchor: db.prepare('UPDATE audit_head SET anchor_seq = ?, anchor_hash = ? WHERE id = 1'),
    page: db.prepare(
      `SELECT * FROM audit_records WHERE seq > ? AND at >= ? AND at < ? ORDER BY seq LIMIT ?`,
    ),
    byCall: db.prepare('SELECT * FROM audit_records WHERE call_id = ? ORDER BY seq'),
    byRecording: db.prepare('SELECT * FROM audit_records WHERE recording_id = ? ORDER BY seq'),
    lastBefore: db.prepare(
      'SELECT seq, hash FROM audit_records WHERE at < ? ORDER BY seq DESC LIMIT 1',
    ),
    deleteThrough: db.prepare('DELETE FROM audit_records WHERE seq <= ?'),
  };

  function immediate<T>(work: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Inside a transaction: the record after the head, stored, and the head moved to it. */
  function appendInside(entry: AuditEntry, at: Date): AuditRecord {
    const record = nextRecord(toHead(q.head.get()), entry, at);
    q.insert.run(...toRow(record));
    q.setHead.run(record.seq, record.hash);
    return record;
  }

  const all = (statement: StatementSync, key: string): AuditRecord[] =>
    statement.all(key).map(toRecord);

  return {
    append: (entry, at) => promised(() => immediate(() => appendInside(entry, at))),
    appendAll: (entries) =>
      promised(() => immediate(() => entries.map(({ entry, at }) => appendInside(entry, at)))),
    head: () => promised(() => toHead(q.head.get())),
    page: ({ afterSeq, limit, from = '', to = '~' }) =>
      promised(() => q.page.all(afterSeq, from, to, limit).map(toRecord)),
    find: (query) =>
      promised(() =>
        'callId' in query ? all(q.byCall, query.callId) : all(q.byRecording, query.recordingId),
      ),
    async readChain(reader) {
      const view = new DatabaseSync(file, { readOnly: true });
      try {
        view.exec('PRAGMA busy_timeout = 5000; BEGIN');
        const head = toHead(view.prepare('SELECT * FROM audit_head WHERE id = 1').get());
        const rows = view
          .prepare('SELECT * FROM audit_records WHERE seq > ? ORDER BY seq')
          .iterate(head.anchorSeq);
        function* records(): Generator<AuditRecord> {
          for (const row of rows) yield toRecord(row);
        }
        return await reader(head, records());
      } finally {
        view.close();
      }
    },
    prune: (before, at) =>
      promised(() =>
        immediate(() => {
          const last = q.lastBefore.get(before);
          if (!last) return { count: 0, anchorSeq: toHead(q.head.get()).anchorSeq };
          const anchorSeq = Number(last.seq);
          const anchorHash = String(last.hash);
          const { changes } = q.deleteThrough.run(anchorSeq);
          q.setAnchor.run(anchorSeq, anchorHash);
          const fields = { before, throughSeq: anchorSeq, count: Number(changes), anchorHash };
          appendInside({ type: 'audit.pruned', actor: SERVER_ACTOR, fields }, at);
          return { count: Number(changes), anchorSeq };
        }),
      ),
    close() {
      db.close();
    },
  };
}
