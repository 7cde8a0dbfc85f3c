/**
 * The audit trail in the server's SQLite file (advisor.db, beside the accounts). Writes go to the
 * audit thread (sqlite-audit-thread.ts), which commits them in BEGIN IMMEDIATE transactions and
 * waits for the disk there, not on the server's event loop. Reads use a connection of their own
 * here (WAL: a reader never waits for the writer); reading the whole chain opens a read-only one:
 * one snapshot, however long it takes.
 */
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SQLITE_FILE, openSqliteDatabase } from '../storage/sqlite-store.ts';
import type { AuditRecord } from './audit-record.ts';
import { toHead, toRecord } from './audit-rows.ts';
import type { AuditStore } from './audit-store.ts';
import { startAuditThread } from './sqlite-audit-thread.ts';

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
    page: db.prepare(
      `SELECT * FROM audit_records WHERE seq > ? AND at >= ? AND at < ? ORDER BY seq LIMIT ?`,
    ),
    byCall: db.prepare('SELECT * FROM audit_records WHERE call_id = ? ORDER BY seq'),
    byRecording: db.prepare('SELECT * FROM audit_records WHERE recording_id = ? ORDER BY seq'),
  };
  const writer = startAuditThread(file);

  const all = (statement: StatementSync, key: string): AuditRecord[] =>
    statement.all(key).map(toRecord);

  return {
    append: async (entry, at) => (await writer.appendAll([{ entry, at }]))[0] as AuditRecord,
    appendAll: (entries) => writer.appendAll(entries),
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
    prune: (before, at) => writer.prune(before, at),
    async close() {
      await writer.close();
      db.close();
    },
  };
}
