/**
 * The PostgreSQL schema: the same tables as SQLite's (migrations.ts), in PostgreSQL's types.
 * Names and other text that is sorted or compared are COLLATE "C" (bytes, as SQLite compares), so
 * both stores list and match alike whatever the database's locale. Append only.
 *
 * Migrations run under a transaction-level advisory lock, all in one transaction: of several
 * nodes starting together on an empty database, one migrates (and makes the first keys, in the
 * same transaction) while the others wait on the lock, then find nothing left to do.
 */
import type { Pool } from 'pg';
import { newAccessKey, newReceiptKey } from './new-keys.ts';
import { inTransaction } from './pg-pool.ts';

export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     username TEXT COLLATE "C" NOT NULL UNIQUE,
     display_name TEXT COLLATE "C" NOT NULL,
     password_hash TEXT NOT NULL,
     disabled BOOLEAN NOT NULL DEFAULT FALSE,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE circles (
     id TEXT PRIMARY KEY,
     name TEXT COLLATE "C" NOT NULL UNIQUE,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE circle_members (
     circle_id TEXT NOT NULL REFERENCES circles(id) ON DELETE CASCADE,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     PRIMARY KEY (circle_id, user_id)
   );
   CREATE INDEX circle_members_user ON circle_members(user_id);
   CREATE TABLE refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     family_id TEXT NOT NULL,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     family_started_at BIGINT NOT NULL,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     used_at BIGINT,
     revoked_at BIGINT
   );
   CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
   CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
   CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);
   CREATE TABLE guest_links (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     advisor_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     revoked_at BIGINT,
     -- Insertion order, as SQLite's rowid gives it: links made in the same millisecond.
     made BIGINT GENERATED ALWAYS AS IDENTITY
   );
   CREATE INDEX guest_links_advisor ON guest_links(advisor_id, expires_at);
   CREATE TABLE audit_records (
     seq BIGINT PRIMARY KEY,
     at TEXT COLLATE "C" NOT NULL,
     type TEXT NOT NULL,
     actor TEXT NOT NULL,
     fields TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     call_id TEXT,
     recording_id TEXT
   );
   CREATE INDEX audit_records_at ON audit_records(at);
   CREATE INDEX audit_records_call ON audit_records(call_id) WHERE call_id IS NOT NULL;
   CREATE INDEX audit_records_recording ON audit_records(recording_id)
     WHERE recording_id IS NOT NULL;
   CREATE TABLE audit_head (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     seq BIGINT NOT NULL,
     hash TEXT NOT NULL,
     anchor_seq BIGINT NOT NULL,
     anchor_hash TEXT NOT NULL
   );
   INSERT INTO audit_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0,
     '0000000000000000000000000000000000000000000000000000000000000000', 0,
     '0000000000000000000000000000000000000000000000000000000000000000');
   CREATE TABLE server_keys (
     kid TEXT PRIMARY KEY,
     purpose TEXT NOT NULL CHECK (purpose IN ('access', 'receipt')),
     material TEXT NOT NULL,
     created_at BIGINT NOT NULL
   );
   CREATE INDEX server_keys_purpose ON server_keys(purpose, created_at);`,
];

/** The migration (index) that makes server_keys: the first keys are made in its transaction. */
const PG_KEYS_MIGRATION = 0;

/** Any fixed number: the lock is this application's, per database. ("RRAD" in ASCII.) */
export const MIGRATION_LOCK = 0x52524144;

export interface PgMigrateOptions {
  /** Make the first keys with the keys table; false with --require-shared-keys. */
  seedKeys: boolean;
}

/** Brings the database's schema up to date; resolves with how many migrations this call ran. */
export function migratePg(pool: Pool, options: PgMigrateOptions): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS rr_schema_version (version INTEGER NOT NULL)');
    const found = await client.query<{ version: number }>('SELECT version FROM rr_schema_version');
    const from = found.rows[0]?.version ?? 0;
    if (found.rows.length === 0) await client.query('INSERT INTO rr_schema_version VALUES (0)');
    for (let i = from; i < PG_MIGRATIONS.length; i++) {
      await client.query(PG_MIGRATIONS[i] ?? '');
      if (i === PG_KEYS_MIGRATION && options.seedKeys) {
        const now = Date.now();
        for (const key of [newAccessKey(now), newReceiptKey(now)]) {
          await client.query(
            'INSERT INTO server_keys (kid, purpose, material, created_at) VALUES ($1, $2, $3, $4)',
            [key.kid, key.purpose, key.material, key.createdAt],
          );
        }
      }
    }
    await client.query('UPDATE rr_schema_version SET version = $1', [PG_MIGRATIONS.length]);
    return PG_MIGRATIONS.length - from;
  });
}
