/**
 * The audit trail's writes on one SQLite connection: appends and prunes, each in a BEGIN
 * IMMEDIATE transaction (the write lock is taken before the head is read, so of several nodes, or
 * the admin CLI, appending at once each sees the head the previous one left). Synchronous; the
 * store (sqlite-audit-store.ts) waits for the disk after them.
 */
import type { DatabaseSync } from 'node:sqlite';
import { SERVER_ACTOR, nextRecord, type AuditEntry, type AuditRecord } from './audit-record.ts';
import { RECORD_COLUMNS, toHead, toRow } from './audit-rows.ts';
import type { PruneResult, TimedEntry } from './audit-store.ts';

export interface AuditWrites {
  appendAll(entries: readonly TimedEntry[]): AuditRecord[];
  prune(before: string, at: Date): PruneResult;
}

export function createAuditWrites(db: DatabaseSync): AuditWrites {
  const q = {
    head: db.prepare('SELECT * FROM audit_head WHERE id = 1'),
    insert: db.prepare(
      `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setHead: db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1'),
    setAnchor: db.prepare('UPDATE audit_head SET anchor_seq = ?, anchor_hash = ? WHERE id = 1'),
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

  return {
    appendAll: (entries) =>
      immediate(() => entries.map(({ entry, at }) => appendInside(entry, at))),
    prune: (before, at) =>
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
  };
}
