/**
 * Where the server keeps what lasts: the account store and the audit trail, together. SQLite in
 * the data folder by default; PostgreSQL when a `postgres://` URL is given (`--database`), one
 * database that every node (on any host) and the admin CLI share. Opening migrates the schema.
 */
import type { AuditStore } from '../audit/audit-store.ts';
import { openSqliteAuditStore } from '../audit/sqlite-audit-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { AccountStore } from './store.ts';

export interface DatabaseOptions {
  /** The data folder: SQLite's home, unless `url` names a PostgreSQL database. */
  dataDir: string;
  /** `postgres://…` or `postgresql://…` (TLS settings in its query); absent: SQLite. */
  url?: string | undefined;
  /** Make the first keys when the schema is new; false with --require-shared-keys. */
  seedKeys?: boolean;
  /** PostgreSQL connections this process may hold (default 10). */
  poolSize?: number;
}

export interface Database {
  kind: 'sqlite' | 'postgres';
  accounts: AccountStore;
  audit: AuditStore;
  /** Where it is, for a start-up line: never a password. */
  description: string;
  close: () => Promise<void>;
}

/** "PostgreSQL database "rr" on db.example:5432", from a URL, leaving out user and password. */
export function describePostgres(url: string): string {
  try {
    const parsed = new URL(url);
    const name = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
    const host = parsed.host || parsed.searchParams.get('host') || 'the local socket';
    return `PostgreSQL database "${name}" on ${host}`;
  } catch {
    return 'PostgreSQL';
  }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const seedKeys = options.seedKeys ?? true;
  if (options.url === undefined) {
    const accounts = openSqliteStore(options.dataDir, { seedKeys });
    const audit = openSqliteAuditStore(options.dataDir);
    return {
      kind: 'sqlite',
      accounts,
      audit,
      description: `SQLite in ${options.dataDir}`,
      async close() {
        audit.close();
        await accounts.close();
      },
    };
  }
  // Loaded only when asked for: the PostgreSQL driver is ~11 MiB of RSS a SQLite server never uses.
  const { openPgDatabase } = await import('./pg-database.ts');
  return openPgDatabase(options.url, { seedKeys, poolSize: options.poolSize ?? 10 });
}
