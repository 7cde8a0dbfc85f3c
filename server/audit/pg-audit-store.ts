/**
 * The audit trail in PostgreSQL, beside the accounts, so a deployment on several hosts keeps one
 * trail. Same chain, same head row as SQLite's: every append and prune locks the head row
 * (SELECT … FOR UPDATE) before reading it, so appends from every node and the admin CLI queue up
 * behind one another and each follows the record the previous one left. Reading the chain is one
 * REPEATABLE READ transaction: one snapshot, however long the reader takes.
 */
import type { Pool, PoolClient } from 'pg';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
import { inTransaction } from '../storage/pg-pool.ts';
import {
  SERVER_ACTOR,
  nextRecord,
  type AuditEntry,
  type AuditHead,
  type AuditRecord,
} from './audit-record.ts';
import { toHead, toRecord, type Row } from './audit-rows.ts';
import type { AuditStore } from './audit-store.ts';

const CHUNK = 1_000;

const lookupKey = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const lockedHead = async (client: PoolClient): Promise<AuditHead> =>
  toHead((await client.query('SELECT * FROM audit_head WHERE id = 1 FOR UPDATE')).rows[0] as Row);

/** Inside a transaction holding the head row: the next record, stored, and the head moved. */
async function appendInside(
  client: PoolClient,
  head: AuditHead,
  entry: AuditEntry,
  at: Date,
): Promise<AuditRecord> {
  const record = nextRecord(head, entry, at);
  await client.query(
    `INSERT INTO audit_records
       (seq, at, type, actor, fields, prev_hash, hash, call_id, recording_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      record.seq,
      record.at,
      record.type,
      record.actor,
      canonicalJson(record.fields),
      record.prevHash,
      record.hash,
      lookupKey(record.fields.callId),
      lookupKey(record.fields.recordingId),
    ],
  );
  await client.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [
    record.seq,
    record.hash,
  ]);
  return record;
}

/** The trail over a pool whose schema is migrated already; the pool's owner closes it. */
export function createPgAuditStore(pool: Pool): AuditStore {
  const records = async (sql: string, params: unknown[]): Promise<AuditRecord[]> =>
    (await pool.query(sql, params)).rows.map((row) => toRecord(row as Row));

  return {
    append: (entry, at) =>
      inTransaction(pool, async (client) =>
        appendInside(client, await lockedHead(client), entry, at),
      ),
    appendAll: (entries) =>
      inTransaction(pool, async (client) => {
        let head = await lockedHead(client);
        const stored: AuditRecord[] = [];
        for (const { entry, at } of entries) {
          const record = await appendInside(client, head, entry, at);
          stored.push(record);
          head = { ...head, seq: record.seq, hash: record.hash };
        }
        return stored;
      }),
    head: async () =>
      toHead((await pool.query('SELECT * FROM audit_head WHERE id = 1')).rows[0] as Row),
    page: ({ afterSeq, limit, from = '', to = '~' }) =>
      records(
        `SELECT * FROM audit_records WHERE seq > $1 AND at >= $2 AND at < $3
         ORDER BY seq LIMIT $4`,
        [afterSeq, from, to, limit],
      ),
    find: (query) =>
      'callId' in query
        ? records('SELECT * FROM audit_records WHERE call_id = $1 ORDER BY seq', [query.callId])
        : records('SELECT * FROM audit_records WHERE recording_id = $1 ORDER BY seq', [
            query.recordingId,
          ]),
    readChain: (reader) =>
      inTransaction(
        pool,
        async (client) => {
          const head = toHead(
            (await client.query('SELECT * FROM audit_head WHERE id = 1')).rows[0] as Row,
          );
          async function* chain(): AsyncGenerator<AuditRecord> {
            let after = head.anchorSeq;
            for (;;) {
              const { rows } = await client.query(
                'SELECT * FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2',
                [after, CHUNK],
              );
              for (const row of rows) yield toRecord(row as Row);
              if (rows.length < CHUNK) return;
              after = Number((rows.at(-1) as Row).seq);
            }
          }
          return reader(head, chain());
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      ),
    prune: (before, at) =>
      inTransaction(pool, async (client) => {
        const head = await lockedHead(client);
        const { rows } = await client.query(
          'SELECT seq, hash FROM audit_records WHERE at < $1 ORDER BY seq DESC LIMIT 1',
          [before],
        );
        const last = rows[0] as Row | undefined;
        if (!last) return { count: 0, anchorSeq: head.anchorSeq };
        const anchorSeq = Number(last.seq);
        const anchorHash = String(last.hash);
        const deleted = await client.query('DELETE FROM audit_records WHERE seq <= $1', [
          anchorSeq,
        ]);
        const count = deleted.rowCount ?? 0;
        await client.query('UPDATE audit_head SET anchor_seq = $1, anchor_hash = $2 WHERE id = 1', [
          anchorSeq,
          anchorHash,
        ]);
        const fields = { before, throughSeq: anchorSeq, count, anchorHash };
        await appendInside(client, head, { type: 'audit.pruned', actor: SERVER_ACTOR, fields }, at);
        return { count, anchorSeq };
      }),
    close() {
      // The pool belongs to the database (server/storage/database.ts), which closes it.
    },
  };
}
