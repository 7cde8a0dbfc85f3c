/**
 * Brings an SQLite file's schema up to date, one migration per transaction (PRAGMA user_version
 * counts them). The migration that makes the keys table also fills it, in its own transaction:
 * with the data folder's signing.key and receipt.key when an older version left them (so the
 * tokens and receipts it signed stay valid), else with new keys. The files are removed once their
 * keys are committed to the database, which from then on is the one place they live.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { KEYS_MIGRATION, MIGRATIONS } from './migrations.ts';
import {
  LEGACY_ACCESS_KID,
  accessKeyRecord,
  newAccessKey,
  newReceiptKey,
  receiptKeyRecord,
} from './new-keys.ts';
import type { ServerKeyRecord } from './store.ts';

export const LEGACY_SIGNING_KEY_FILE = 'signing.key';
export const LEGACY_RECEIPT_KEY_FILE = 'receipt.key';

export interface MigrateOptions {
  /** Make (or import) the first keys with the keys table; false with --require-shared-keys. */
  seedKeys: boolean;
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The first keys: the older version's files where they exist, new keys where not. */
function firstKeys(dataDir: string, now: number): { keys: ServerKeyRecord[]; files: string[] } {
  const signingFile = join(dataDir, LEGACY_SIGNING_KEY_FILE);
  const receiptFile = join(dataDir, LEGACY_RECEIPT_KEY_FILE);
  const secret = readIfThere(signingFile)?.trim();
  const pem = readIfThere(receiptFile);
  const files: string[] = [];
  let access = newAccessKey(now);
  if (secret !== undefined) {
    access = accessKeyRecord(Buffer.from(secret, 'base64url'), now, LEGACY_ACCESS_KID);
    files.push(signingFile);
  }
  let receipt = newReceiptKey(now);
  if (pem !== undefined) {
    try {
      receipt = receiptKeyRecord(pem, now);
    } catch {
      throw new Error(
        `${receiptFile} is not an Ed25519 private key; move it away to make a new one.`,
      );
    }
    files.push(receiptFile);
  }
  return { keys: [access, receipt], files };
}

export function migrateSqlite(db: DatabaseSync, dataDir: string, options: MigrateOptions): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as {
    user_version: number;
  };
  for (let i = version; i < MIGRATIONS.length; i++) {
    // IMMEDIATE: of two processes opening a new file at once, the second waits, then skips.
    db.exec('BEGIN IMMEDIATE');
    let imported: string[] = [];
    try {
      const current = db.prepare('PRAGMA user_version').get() as { user_version: number };
      if (current.user_version > i) {
        db.exec('COMMIT');
        continue;
      }
      db.exec(MIGRATIONS[i] ?? '');
      if (i === KEYS_MIGRATION && options.seedKeys) {
        const { keys, files } = firstKeys(dataDir, Date.now());
        const insert = db.prepare(
          'INSERT INTO server_keys (kid, purpose, material, created_at) VALUES (?, ?, ?, ?)',
        );
        for (const key of keys) insert.run(key.kid, key.purpose, key.material, key.createdAt);
        imported = files;
      }
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    for (const file of imported) rmSync(file, { force: true });
  }
}
