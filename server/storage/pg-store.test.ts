/**
 * What only PostgreSQL has to show, so these run on it whatever RR_TEST_DATABASE says: two server
 * processes started at the same moment on an empty database (separate data folders, as on two
 * hosts) both come up, one having migrated and made the keys under the advisory lock while the
 * other waited; and TLS to the database, checked against IT's CA, as `--database-ca` asks.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAccountsConfig } from '../config-accounts.ts';
import { loginAt } from '../testing/cluster-nodes.ts';
import { PASSWORD, tempDir } from '../testing/harness.ts';
import { freshPostgresUrl, testPostgres } from '../testing/postgres.ts';
import { startCli, type ServerProcess } from '../testing/server-process.ts';
import { createTestDatabase } from '../testing/test-database.ts';
import { makeTestPki } from '../testing/test-pki.ts';
import { openDatabase } from './database.ts';
import { PG_MIGRATIONS } from './pg-migrations.ts';

const run = promisify(execFile);
const dirs: string[] = [];
const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dir = (prefix: string) => {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
};

describe('two nodes starting together on an empty PostgreSQL database', () => {
  it('both come up, on one schema and one set of keys, and honour each other’s tokens', async () => {
    const database = await createTestDatabase(dir('rr-pg-race-'), 'postgres');
    const url = database.url!;
    const started = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const server = await startCli([
          ...['--data', dir(`rr-pg-node-${name}-`), '--database', url, '--quiet'],
        ]);
        servers.push(server);
        return server;
      }),
    );
    const [a, b] = started as [ServerProcess, ServerProcess];

    expect(await database.sql('SELECT version FROM rr_schema_version')).toEqual([
      { version: PG_MIGRATIONS.length },
    ]);
    const keys = await database.sql('SELECT purpose FROM server_keys ORDER BY purpose');
    expect(keys).toEqual([{ purpose: 'access' }, { purpose: 'receipt' }]);

    // IT adds an advisor with the admin CLI, on the same database.
    await run(process.execPath, [
      'server/admin/cli.ts',
      '--database',
      url,
      ...['user', 'add', 'alice', '--password', PASSWORD],
    ]);
    const tokens = await loginAt(a.url, 'alice');
    const me = await fetch(`${b.url}/api/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(me.status).toBe(200);
    const refreshed = await fetch(`${b.url}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: tokens.refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const [keyA, keyB] = await Promise.all(
      [a, b].map(async (node) => (await fetch(`${node.url}/api/recordings/receipt-key`)).json()),
    );
    expect(keyB).toEqual(keyA);
  });
});

describe('TLS to PostgreSQL', () => {
  const sslOf = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return rows[0]?.ssl;
    } finally {
      await client.end();
    }
  };

  it('with --database-ca: encrypted, and the server checked against that CA', async () => {
    const { caFile } = await testPostgres();
    const plain = await freshPostgresUrl();
    const { databaseUrl } = parseAccountsConfig({ database: plain, 'database-ca': caFile }, {});
    expect(databaseUrl).toMatch(/sslmode=verify-full/);
    expect(await sslOf(databaseUrl!)).toBe(true);
    const database = await openDatabase({ dataDir: dir('rr-pg-tls-'), url: databaseUrl });
    expect(await database.accounts.countUsers()).toBe(0);
    await database.close();
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const { caFile } = await testPostgres();
    const otherCa = join(dir('rr-pg-ca-'), 'other-ca.pem');
    // A CA of its own, not the one that signed the database's certificate.
    const other = makeTestPki('Some Other CA');
    writeFileSync(otherCa, other.caCert);
    other.remove();
    expect(otherCa).not.toBe(caFile);
    const { databaseUrl } = parseAccountsConfig(
      { database: await freshPostgresUrl(), 'database-ca': otherCa },
      {},
    );
    await expect(openDatabase({ dataDir: dir('rr-pg-tls-'), url: databaseUrl })).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });
});
