/**
 * The audit trail in the server's SQLite file (advisor.db, beside the accounts). Appends and
 * prunes commit in BEGIN IMMEDIATE transactions (sqlite-audit-writes.ts) and resolve once the WAL
 * is on disk (wal-sync.ts). Reading the whole chain uses its own read-only connection: one
 * snapshot, however long it takes.
 */
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SQLITE_FILE, openSqliteDatabase } from '../storage/sqlite-store.ts';
import type { AuditRecord } from './audit-record.ts';
import { toHead, toRecord } from './audit-rows.ts';
import type { AuditStore } from './audit-store.ts';
import { createAuditWrites } from './sqlite-audit-writes.ts';
import { sharedFlushes, walSync, type WalSync } from './wal-sync.ts';

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
  // NORMAL: a commit does not wait for the disk; walSync does, off the event loop.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  return createSqliteAuditStore(db, file, walSync(file));
}

/** `synced` flushes what the connection committed to disk; exported for the tests. */
export function createSqliteAuditStore(
  db: DatabaseSync,
  file: string,
  synced: WalSync,
): AuditStore {
  const q = {
    head: db.prepare('SELECT * FROM audit_head WHERE id = 1'),
    page: db.prepare(
      `SELECT * FROM audit_records WHERE seq > ? AND at >= ? AND at < ? ORDER BY seq LIMIT ?`,
    ),
    byCall: db.prepare('SELECT * FROM audit_records WHERE call_id = ? ORDER BY seq'),
    byRecording: db.prepare('SELECT * FROM audit_records WHERE recording_id = ? ORDER BY seq'),
  };
  const writes = createAuditWrites(db);
  const flush = sharedFlushes(synced);
  /** The write's result once it is on disk. */
  const durable = async <T>(write: () => T): Promise<T> => {
    const result = write();
    await flush();
    return result;
  };

  const all = (statement: StatementSync, key: string): AuditRecord[] =>
    statement.all(key).map(toRecord);

  return {
    append: async (entry, at) =>
      (await durable(() => writes.appendAll([{ entry, at }])))[0] as AuditRecord,
    appendAll: (entries) => durable(() => writes.appendAll(entries)),
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
    prune: (before, at) => durable(() => writes.prune(before, at)),
    close() {
      db.close();
    },
  };
}
