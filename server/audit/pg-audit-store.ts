/**
 * The audit trail in PostgreSQL, beside the accounts, so a deployment on several hosts keeps one
 * trail. Same chain, same head row as SQLite's: every append and prune locks the head row
 * (SELECT … FOR UPDATE) before reading it, so appends from every node and the admin CLI queue up
 * behind one another and each follows the record the previous one left. Reading the chain is one
 * REPEATABLE READ transaction: one snapshot, however long the reader takes.
 */
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../storage/pg-pool.ts';
import { SERVER_ACTOR, nextRecord, type AuditHead, type AuditRecord } from './audit-record.ts';
import { RECORD_COLUMNS, toHead, toRecord, toRow, type Row } from './audit-rows.ts';
import type { AuditStore, TimedEntry } from './audit-store.ts';

const CHUNK = 1_000;

const lockedHead = async (client: PoolClient): Promise<AuditHead> =>
  toHead((await client.query('SELECT * FROM audit_head WHERE id = 1 FOR UPDATE')).rows[0] as Row);

const COLUMNS = RECORD_COLUMNS.split(',').length;

/**
 * Inside a transaction holding the head row: the records after `head`, stored with one INSERT,
 * and the head moved to the last of them.
 */
async function appendInside(
  client: PoolClient,
  head: AuditHead,
  entries: readonly TimedEntry[],
): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  let last: Pick<AuditHead, 'seq' | 'hash'> = head;
  for (const { entry, at } of entries) {
    last = nextRecord(last, entry, at);
    records.push(last as AuditRecord);
  }
  // At most 1,000 rows an INSERT: PostgreSQL takes 65,535 parameters a query.
  for (let from = 0; from < records.length; from += CHUNK) {
    const slice = records.slice(from, from + CHUNK);
    const rows = slice.map(
      (_, r) =>
        `(${Array.from({ length: COLUMNS }, (__, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`,
    );
    await client.query(
      `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES ${rows.join(', ')}`,
      slice.flatMap(toRow),
    );
  }
  await client.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [
    last.seq,
    last.hash,
  ]);
  return records;
}

/** The trail over a pool whose schema is migrated already; the pool's owner closes it. */
export function createPgAuditStore(pool: Pool): AuditStore {
  const records = async (sql: string, params: unknown[]): Promise<AuditRecord[]> =>
    (await pool.query(sql, params)).rows.map((row) => toRecord(row as Row));

  return {
    append: async (entry, at) =>
      (
        await inTransaction(pool, async (client) =>
          appendInside(client, await lockedHead(client), [{ entry, at }]),
        )
      )[0] as AuditRecord,
    appendAll: (entries) =>
      inTransaction(pool, async (client) =>
        appendInside(client, await lockedHead(client), entries),
      ),
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
        const pruned = { type: 'audit.pruned', actor: SERVER_ACTOR, fields } as const;
        await appendInside(client, head, [{ entry: pruned, at }]);
        return { count, anchorSeq };
      }),
    close() {
      // The pool belongs to the database (server/storage/database.ts), which closes it.
    },
  };
}
