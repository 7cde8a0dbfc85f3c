/**
 * A throwaway PostgreSQL for the bench: the tests' cluster (server/testing/postgres.ts: Debian's
 * binaries, a free loopback port, durability off, as the postgres user when we are root) with one
 * empty database, stopped by `stop()` or, failing that, when the process exits.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgresCluster, stopPostgresCluster } from '../../server/testing/postgres.ts';

export interface BenchPostgres {
  /** The bench database's URL, for `--database`. */
  url: string;
  stop(): void;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  // Directly under /tmp (world-traversable): the server, run as postgres, must reach its folder.
  const dir = join(tmpdir(), `rr-bench-pg-${randomBytes(4).toString('hex')}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopPostgresCluster(dir);
  };
  process.once('exit', stop);
  try {
    const { adminUrl } = await startPostgresCluster(dir);
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE rr_bench');
    } finally {
      await admin.end();
    }
    return { url: adminUrl.replace(/\/postgres$/, '/rr_bench'), stop };
  } catch (error) {
    stop();
    throw error;
  }
}
