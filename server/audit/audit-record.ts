/**
 * One record of the audit trail and how the chain links them: each record's hash is
 *
 *   hash = SHA-256( prevHash ‖ canonicalJson({seq, at, type, actor, fields, prevHash}) )
 *
 * (hex, the strings' UTF-8 bytes), so changing any member of a record changes its hash, and
 * since the next record names that hash as its prevHash, removing or altering one breaks the
 * chain from there on. The first record follows GENESIS_HASH, or after a prune the anchor.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type AuditFields = { [key: string]: JsonValue };

/** Who did it: a user id, a guest id, 'admin-cli', 'server' (it decided), or 'anonymous'. */
export const ADMIN_ACTOR = 'admin-cli';
export const SERVER_ACTOR = 'server';
/** Someone not signed in (a failed sign-in for an unknown name, a refused refresh). */
export const ANONYMOUS_ACTOR = 'anonymous';

export type AuditType =
  | 'auth.sign-in'
  | 'auth.sign-in-failed'
  | 'auth.sign-out'
  | 'auth.refresh-refused'
  | 'admin.user-added'
  | 'admin.user-disabled'
  | 'admin.user-enabled'
  | 'admin.password-changed'
  | 'admin.circle-added'
  | 'admin.circle-member-added'
  | 'admin.circle-member-removed'
  | 'admin.key-rotated'
  | 'call.rang'
  | 'call.busy'
  | 'call.invited'
  | 'call.answered'
  | 'call.joined'
  | 'call.declined'
  | 'call.cancelled'
  | 'call.missed'
  | 'call.left'
  | 'call.resumed'
  | 'call.ended'
  | 'guest.knocked'
  | 'guest.admitted'
  | 'guest.denied'
  | 'guest.left'
  | 'recording.started'
  | 'recording.stopped'
  | 'recording.consent-requested'
  | 'recording.consent-granted'
  | 'recording.consent-refused'
  | 'recording.start-receipt'
  | 'recording.stop-receipt'
  | 'audit.pruned';

/** What a caller hands in; the store adds seq, at, prevHash and hash. */
export interface AuditEntry {
  type: AuditType;
  actor: string;
  fields: AuditFields;
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601, UTC, milliseconds: the server's clock when it was appended. */
  at: string;
  type: string;
  actor: string;
  fields: AuditFields;
  prevHash: string;
  hash: string;
}

/** Where the chain starts and ends: checked by verify so truncation and pruning are visible. */
export interface AuditHead {
  /** The last record's seq and hash (the anchor's, when there is none after it). */
  seq: number;
  hash: string;
  /** The last pruned record's seq and hash (0 and GENESIS_HASH before any prune). */
  anchorSeq: number;
  anchorHash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const body = canonicalJson({
    seq: record.seq,
    at: record.at,
    type: record.type,
    actor: record.actor,
    fields: record.fields,
    prevHash: record.prevHash,
  });
  return createHash('sha256').update(record.prevHash).update(body).digest('hex');
}

/** The record that follows `head`, sealed with its hash. */
export function nextRecord(head: Pick<AuditHead, 'seq' | 'hash'>, entry: AuditEntry, at: Date) {
  const record = {
    seq: head.seq + 1,
    at: at.toISOString(),
    type: entry.type,
    actor: entry.actor,
    fields: entry.fields,
    prevHash: head.hash,
  };
  return { ...record, hash: hashRecord(record) };
}
