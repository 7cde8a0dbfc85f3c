/** The PostgreSQL side of database.ts, in its own module so a SQLite server never loads `pg`. */
import { createPgAuditStore } from '../audit/pg-audit-store.ts';
import { describePostgres, type Database } from './database.ts';
import { migratePg } from './pg-migrations.ts';
import { createPgPool } from './pg-pool.ts';
import { createPgStore } from './pg-store.ts';

export async function openPgDatabase(
  url: string,
  options: { seedKeys: boolean; poolSize: number },
): Promise<Database> {
  const pool = createPgPool(url, { max: options.poolSize });
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= pool.end());
  try {
    await migratePg(pool, { seedKeys: options.seedKeys });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    kind: 'postgres',
    accounts: createPgStore(pool, close),
    audit: createPgAuditStore(pool),
    description: describePostgres(url),
    close,
  };
}
