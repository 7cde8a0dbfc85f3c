/**
 * The connection pool to PostgreSQL (npm `pg`), from the `--database` URL as IT gave it: host,
 * database, user, password and TLS (`sslmode`, `sslrootcert`…) all come from the URL (or the
 * PG* environment variables libpq users know). BIGINT columns (times in milliseconds) are read as
 * numbers, as SQLite gives them; they stay far below 2^53.
 */
import { Pool, TypeOverrides, type PoolClient } from 'pg';

/** pg's type parsers, with BIGINT (type 20) read as a number. */
export const PG_TYPES = new TypeOverrides();
PG_TYPES.setTypeParser(20, 'text', (value: string): number => Number(value));

export interface PgPoolOptions {
  /** Connections this process may hold; each node and the admin CLI have their own pool. */
  max?: number;
}

export function createPgPool(url: string, options: PgPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'richesreach-advisor',
    types: PG_TYPES,
  });
  // An idle connection the server dropped (a restart, a failover) must not end the process: the
  // next query opens a new one, and a query that fails is reported by whoever made it.
  pool.on('error', () => undefined);
  return pool;
}

/** PostgreSQL's code for a unique (or primary key) violation. */
export const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505';

/** Runs `work` in one transaction on one connection: committed if it resolves, else rolled back. */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    client.release(broken);
  }
}
