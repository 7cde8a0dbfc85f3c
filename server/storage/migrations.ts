/** Schema migrations, applied in order; PRAGMA user_version records how many ran. Append only. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE,
     display_name TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE circles (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL
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
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);`,
  // Guest links: only the token's SHA-256 hash is kept; a revoked or expired link stays until
  // its advisor is deleted, so a knock with it answers the same "not valid" as an unknown one.
  `CREATE TABLE guest_links (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     advisor_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE INDEX guest_links_advisor ON guest_links(advisor_id, expires_at);`,
  // The audit trail (server/audit/): append-only, hash-chained. `call_id` and `recording_id`
  // copy fields.callId and fields.recordingId, for lookups only (the hash covers `fields`).
  // audit_head holds the last record's seq and hash and the anchor left by pruning, updated in
  // the transaction of every append and prune, so records deleted at either end are detected.
  `CREATE TABLE audit_records (
     seq INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
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
     seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     anchor_seq INTEGER NOT NULL,
     anchor_hash TEXT NOT NULL
   );
   INSERT INTO audit_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0,
     '0000000000000000000000000000000000000000000000000000000000000000', 0,
     '0000000000000000000000000000000000000000000000000000000000000000');`,
  // The server's keys (server/storage/new-keys.ts), made in this migration's transaction or taken
  // from the signing.key and receipt.key files older versions kept beside the database; and each
  // refresh token's family start, for the absolute session lifetime (older families start at
  // their oldest token still stored).
  `CREATE TABLE server_keys (
     kid TEXT PRIMARY KEY,
     purpose TEXT NOT NULL CHECK (purpose IN ('access', 'receipt')),
     material TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX server_keys_purpose ON server_keys(purpose, created_at);
   ALTER TABLE refresh_tokens ADD COLUMN family_started_at INTEGER NOT NULL DEFAULT 0;
   UPDATE refresh_tokens SET family_started_at =
     (SELECT MIN(f.created_at) FROM refresh_tokens f WHERE f.family_id = refresh_tokens.family_id);
   CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);`,
];

/** The migration (index) that makes server_keys: the first keys are made in its transaction. */
export const KEYS_MIGRATION = 3;
