/**
 * A real PostgreSQL for tests: Debian's server binaries (`postgresql` package) run a throwaway
 * cluster in a temp folder on a free loopback port, as the `postgres` user when the tests run as
 * root (PostgreSQL refuses to run as root). Durability is off (fsync, full-page writes): nothing
 * in it outlives the run. It speaks TLS too (optional for clients), with a certificate for
 * 127.0.0.1 from a test CA (test-pki.ts) whose certificate is `caFile`.
 *
 * One cluster per test run: vitest's global setup (postgres-global-setup.ts) names a folder in
 * RR_TEST_PG_DIR, the first test process that needs PostgreSQL starts the cluster there (the
 * others wait for it), and the global teardown stops it. A process outside vitest starts its own
 * and stops it when it exits. Each test file gets its own database (CREATE DATABASE), and each
 * store opened in it its own schema (search_path in the URL), so every harness starts empty.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port.ts';
import { makeTestPki } from './test-pki.ts';

export interface PostgresCluster {
  /** A superuser's URL to the `postgres` database, for CREATE DATABASE and the like. */
  adminUrl: string;
  /** The cluster's data folder (where the database files lie). */
  dataDir: string;
  /** The CA certificate (PEM file) the server's TLS certificate was signed with. */
  caFile: string;
}

const ROOT = process.getuid?.() === 0;

/** The newest installed server's bin folder; a clear error when there is none. */
export function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const [newest] = versions;
  if (!newest) {
    throw new Error(
      'PostgreSQL is not installed, and these tests need a real one. Run the tests through ' +
        'scripts/with-deps (it installs the Debian package postgresql), or: ' +
        'apt-get install -y postgresql',
    );
  }
  return join(base, newest, 'bin');
}

/** Runs a PostgreSQL program as the postgres user when we are root, else as ourselves. */
function asOwner(program: string, args: string[]): void {
  const [file, argv] = ROOT
    ? ['runuser', ['-u', 'postgres', '--', join(postgresBin(), program), ...args]]
    : [join(postgresBin(), program), args];
  execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ownedByPostgres(dir: string): void {
  if (!ROOT) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
}

/** Makes and starts a cluster in `dir` (which it takes over); resolves once it accepts queries. */
export async function startPostgresCluster(dir: string): Promise<PostgresCluster> {
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir, { recursive: true });
  ownedByPostgres(dir);
  ownedByPostgres(socketDir);
  asOwner('initdb', [
    ...['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8'],
    ...['--no-sync', '--locale=C.UTF-8'],
  ]);
  const tls = serverTls(dir);
  const port = await freePort();
  const settings = [
    `-k ${socketDir} -p ${port} -c listen_addresses=127.0.0.1`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400',
    `-c ssl=on -c ssl_cert_file=${tls.certFile} -c ssl_key_file=${tls.keyFile}`,
  ].join(' ');
  asOwner('pg_ctl', ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-o', settings, 'start']);
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    caFile: tls.caFile,
  };
}

/** The server's certificate and key (the key the server's own, 0600) and the CA's certificate. */
function serverTls(dir: string): { certFile: string; keyFile: string; caFile: string } {
  const pki = makeTestPki('RichesReach Test Database');
  try {
    const certFile = join(dir, 'server.pem');
    const keyFile = join(dir, 'server.key');
    const caFile = join(dir, 'ca.pem');
    copyFileSync(pki.certFile, certFile);
    copyFileSync(pki.keyFile, keyFile);
    writeFileSync(caFile, pki.caCert);
    chmodSync(keyFile, 0o600);
    for (const file of [certFile, keyFile]) ownedByPostgres(file);
    return { certFile, keyFile, caFile };
  } finally {
    pki.remove();
  }
}

/** Stops a cluster at once (no checkpoint: it is thrown away) and removes its folder. */
export function stopPostgresCluster(dir: string): void {
  const dataDir = join(dir, 'data');
  if (existsSync(join(dataDir, 'postmaster.pid'))) {
    const args = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    const [file, argv] = ROOT
      ? ['runuser', ['-u', 'postgres', '--', join(postgresBin(), 'pg_ctl'), ...args]]
      : [join(postgresBin(), 'pg_ctl'), args];
    spawnSync(file, argv, { stdio: 'ignore' });
  }
  rmSync(dir, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run's shared cluster (started here by the first process to ask, under a lock). */
async function sharedCluster(runDir: string): Promise<PostgresCluster> {
  const info = join(runDir, 'cluster.json');
  let starter = false;
  try {
    mkdirSync(join(runDir, 'lock'));
    starter = true;
  } catch {
    // Another test process is starting it.
  }
  if (starter) {
    ownedByPostgres(runDir); // mkdtemp's 0700 folder: the server must get through it
    const cluster = await startPostgresCluster(join(runDir, 'cluster'));
    writeFileSync(`${info}.part`, JSON.stringify(cluster));
    execFileSync('mv', [`${info}.part`, info]);
    return cluster;
  }
  for (let waited = 0; !existsSync(info); waited += 50) {
    if (waited > 60_000) throw new Error('The test PostgreSQL cluster did not start within 60 s.');
    await sleep(50);
  }
  return JSON.parse(readFileSync(info, 'utf8')) as PostgresCluster;
}

/** A cluster of this process's own, stopped when the process exits. */
async function privateCluster(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-pg-'));
  ownedByPostgres(dir);
  const clusterDir = join(dir, 'cluster');
  process.once('exit', () => {
    stopPostgresCluster(clusterDir); // the folder it was started in: stopping `dir` found no pid
    rmSync(dir, { recursive: true, force: true });
  });
  return startPostgresCluster(clusterDir);
}

let cluster: Promise<PostgresCluster> | undefined;
let fileDatabase: Promise<string> | undefined;

export function testPostgres(): Promise<PostgresCluster> {
  const runDir = process.env.RR_TEST_PG_DIR;
  return (cluster ??= runDir ? sharedCluster(runDir) : privateCluster());
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A URL to a schema of its own, empty, in this test file's database: what a fresh data folder is
 * to SQLite. The URL carries the schema as `options=-c search_path=…`, as a real one could.
 */
export async function freshPostgresUrl(): Promise<string> {
  const { adminUrl } = await testPostgres();
  const databaseUrl = await (fileDatabase ??= (async () => {
    const name = `rr_${process.pid}_${randomBytes(4).toString('hex')}`;
    // FILE_COPY: a small database is made several times faster than with WAL_LOG.
    await adminQuery(adminUrl, `CREATE DATABASE ${name} STRATEGY FILE_COPY`);
    return adminUrl.replace(/\/postgres$/, `/${name}`);
  })());
  const schema = `s_${randomBytes(6).toString('hex')}`;
  await adminQuery(databaseUrl, `CREATE SCHEMA ${schema}`);
  return `${databaseUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
