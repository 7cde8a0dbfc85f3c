/**
 * vitest's global setup: a folder for this run's PostgreSQL cluster (postgres.ts), which the
 * first test process that needs one starts there, and which is stopped and removed when the run
 * ends. Nothing starts unless a test asks. A run that was killed before its teardown leaves its
 * cluster behind: the next run stops it (its folder names the run's process, no longer alive).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopPostgresCluster } from './postgres.ts';

const PREFIX = 'rr-pg-run-';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function stopAbandoned(): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX))) {
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
    } catch {
      continue; // being set up right now, or not ours
    }
    if (owner > 0 && !alive(owner)) {
      stopPostgresCluster(join(dir, 'cluster'));
      stopPostgresCluster(dir);
    }
  }
}

export function setup(): () => void {
  stopAbandoned();
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(dir, 'owner'), String(process.pid));
  // Read by the test processes vitest starts after this.
  process.env.RR_TEST_PG_DIR = dir;
  return () => {
    stopPostgresCluster(join(dir, 'cluster'));
    stopPostgresCluster(dir);
  };
}
