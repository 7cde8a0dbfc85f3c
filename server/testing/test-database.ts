/**
 * The database a test runs against: SQLite in a temp data folder, or, with
 * RR_TEST_DATABASE=postgres, a fresh schema in the test run's PostgreSQL (postgres.ts). Tests
 * that need to look at or tamper with tables by hand do it through `sql`, in either.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Client } from 'pg';
import { openDatabase, type Database } from '../storage/database.ts';
import { PG_TYPES } from '../storage/pg-pool.ts';
import { SQLITE_FILE } from '../storage/sqlite-store.ts';
import { freshPostgresUrl, testPostgres } from './postgres.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** Which store the tests run on: RR_TEST_DATABASE=postgres, or SQLite. */
export const testStoreKind = (): StoreKind =>
  process.env.RR_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

export type SqlRow = Record<string, unknown>;

export interface TestDatabase {
  kind: StoreKind;
  /** The data folder (SQLite's home; empty beside PostgreSQL). */
  dataDir: string;
  /** The PostgreSQL URL, for `--database`. */
  url?: string;
  /** What the server and the admin CLI are given to use it: `--data <dir>` and `--database <url>`. */
  args: string[];
  open(options?: { seedKeys?: boolean }): Promise<Database>;
  /** One statement by hand, `?` placeholders; resolves with its rows (none for a change). */
  sql(statement: string, ...params: (string | number | null)[]): Promise<SqlRow[]>;
  /** Every file the data may lie in, checkpointed first (to search them for what must not be). */
  files(): Promise<string[]>;
}

/** `?` placeholders as PostgreSQL's `$1, $2…`. */
const numbered = (statement: string): string => {
  let n = 0;
  return statement.replace(/\?/g, () => `$${++n}`);
};

async function onPostgres<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, types: PG_TYPES });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database for one test (or one harness), in `dataDir`, a temp folder the caller removes. */
export async function createTestDatabase(
  dataDir: string,
  kind: StoreKind = testStoreKind(),
): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const file = join(dataDir, SQLITE_FILE);
    return {
      kind,
      dataDir,
      args: ['--data', dataDir],
      open: (options) => openDatabase({ dataDir, ...options }),
      sql(statement, ...params) {
        const db = new DatabaseSync(file);
        try {
          return Promise.resolve(db.prepare(statement).all(...params) as SqlRow[]);
        } finally {
          db.close();
        }
      },
      files: () =>
        Promise.resolve(
          readdirSync(dataDir)
            .filter((name) => name.startsWith(SQLITE_FILE))
            .map((name) => join(dataDir, name)),
        ),
    };
  }
  const url = await freshPostgresUrl();
  return {
    kind,
    dataDir,
    url,
    args: ['--data', dataDir, '--database', url],
    open: (options) => openDatabase({ dataDir, url, poolSize: 4, ...options }),
    sql: (statement, ...params) =>
      onPostgres(
        url,
        async (client) => (await client.query(numbered(statement), params)).rows as SqlRow[],
      ),
    async files() {
      const cluster = await testPostgres();
      const oid = await onPostgres(url, async (client) => {
        await client.query('CHECKPOINT');
        const { rows } = await client.query<{ oid: number }>(
          'SELECT oid FROM pg_database WHERE datname = current_database()',
        );
        return rows[0]?.oid;
      });
      const within = (dir: string) => readdirSync(dir).map((name) => join(dir, name));
      return [
        ...within(join(cluster.dataDir, 'base', String(oid))),
        ...within(join(cluster.dataDir, 'pg_wal')).filter((f) => /[0-9A-F]{24}$/.test(f)),
      ];
    },
  };
}
