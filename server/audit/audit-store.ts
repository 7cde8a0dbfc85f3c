/**
 * Where the audit trail is kept, behind an interface: SQLite today (sqlite-audit-store.ts), a
 * shared database later. Every method is async because a networked store's would be. Appends
 * are serialised by the store itself (read the head and insert in one transaction), so several
 * nodes, and the admin CLI, may append to one trail at once.
 */
import type { AuditEntry, AuditHead, AuditRecord } from './audit-record.ts';

export interface AuditPage {
  /** Records with a seq above this one... */
  afterSeq: number;
  /** ...at most this many, in seq order... */
  limit: number;
  /** ...appended at or after `from` and before `to` (ISO 8601), when given. */
  from?: string;
  to?: string;
}

export interface PruneResult {
  /** Records deleted; 0 when none was old enough (then nothing changed). */
  count: number;
  /** The new anchor: the last deleted record's seq. */
  anchorSeq: number;
}

/** An entry and the time it was decided, waiting to be appended. */
export interface TimedEntry {
  entry: AuditEntry;
  at: Date;
}

export interface AuditStore {
  /** Appends the entry after the current head, in one transaction; resolves with the record. */
  append(entry: AuditEntry, at: Date): Promise<AuditRecord>;
  /**
   * Appends the entries in order, in one transaction (one commit, one disk flush for them all);
   * resolves with their records. All are stored, or none.
   */
  appendAll(entries: readonly TimedEntry[]): Promise<AuditRecord[]>;
  head(): Promise<AuditHead>;
  page(query: AuditPage): Promise<AuditRecord[]>;
  /** Records naming this call (fields.callId) or recording (fields.recordingId), in seq order. */
  find(query: { callId: string } | { recordingId: string }): Promise<AuditRecord[]>;
  /**
   * The head and every record after the anchor, in seq order, as of one moment: appends and
   * prunes made meanwhile are not seen. `reader` consumes the records (with for await: a store
   * may hand them over sync or async) before it resolves.
   */
  readChain<T>(
    reader: (
      head: AuditHead,
      records: Iterable<AuditRecord> | AsyncIterable<AuditRecord>,
    ) => Promise<T>,
  ): Promise<T>;
  /**
   * Deletes the records appended before `before` (a prefix of the chain), makes the last of them
   * the anchor, and appends an `audit.pruned` record saying so, all in one transaction.
   */
  prune(before: string, at: Date): Promise<PruneResult>;
  close(): void;
}
