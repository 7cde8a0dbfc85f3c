/** Rows of the audit tables as both stores read them (same columns in SQLite and PostgreSQL). */
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
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

/** The columns a record is stored in, in this order (both stores' INSERT). */
export const RECORD_COLUMNS =
  'seq, at, type, actor, fields, prev_hash, hash, call_id, recording_id';

const lookupKey = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A record's values for RECORD_COLUMNS: the fields as canonical JSON, and the lookup keys. */
export const toRow = (record: AuditRecord): (string | number | null)[] => [
  record.seq,
  record.at,
  record.type,
  record.actor,
  canonicalJson(record.fields),
  record.prevHash,
  record.hash,
  lookupKey(record.fields.callId),
  lookupKey(record.fields.recordingId),
];
