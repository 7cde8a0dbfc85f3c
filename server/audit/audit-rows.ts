/** Rows of the audit tables as both stores read them (same columns in SQLite and PostgreSQL). */
import type { AuditFields, AuditHead, AuditRecord } from './audit-record.ts';

export type Row = Record<string, unknown>;

export const toRecord = (row: Row): AuditRecord => ({
  seq: Number(row.seq),
  at: String(row.at),
  type: String(row.type),
  actor: String(row.actor),
  fields: JSON.parse(String(row.fields)) as AuditFields,
  prevHash: String(row.prev_hash),
  hash: String(row.hash),
});

export const toHead = (row: Row | undefined): AuditHead => {
  if (!row) throw new Error('The audit trail has no head row: the database was altered.');
  return {
    seq: Number(row.seq),
    hash: String(row.hash),
    anchorSeq: Number(row.anchor_seq),
    anchorHash: String(row.anchor_hash),
  };
};
