/**
 * A Redis Sentinel set-up for tests, from Debian's redis-server and redis-sentinel: a master, a
 * replica of it and three sentinels (quorum 2), all on loopback with a password, failing over
 * within a few seconds of the master's death (down-after 1 s). Fails, never skips, when
 * redis-sentinel is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort } from './free-port.ts';
import { tempDir } from './harness.ts';
import { ready, startRedis, type RedisProcess } from './redis-process.ts';

export const MASTER_NAME = 'rr-test';

export interface SentinelSetup {
  /** `host:port,…`, as `--redis-sentinel` takes them. */
  sentinels: string;
  masterName: string;
  password: string;
  master: RedisProcess;
  replica: RedisProcess;
  /** Resolves once the sentinels name `port` as the master. */
  waitForMaster(port: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function requireRedisSentinel(): void {
  const probe = spawnSync('redis-sentinel', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-sentinel is not installed, and the Sentinel tests need a real one. Run the tests ' +
        'through scripts/with-deps (it installs the Debian package redis-sentinel), or: ' +
        'apt-get install -y redis-sentinel',
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds, or fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** One command against a server on loopback, on a connection of its own. */
async function ask(port: number, command: string[], password?: string): Promise<unknown> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 2_000 },
    ...(password ? { password } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(command);
  } finally {
    client.destroy();
  }
}

async function startSentinel(dir: string, masterPort: number, password: string) {
  const port = await freePort();
  const config = join(dir, `sentinel-${port}.conf`);
  // Sentinel rewrites its config file as it learns the topology: one file each, in the temp dir.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'loglevel warning',
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel auth-pass ${MASTER_NAME} ${password}`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      // A split vote is retried after twice this: 5 s made a loaded machine's failover take
      // over 15 s once; 3 s still leaves a loopback promotion (well under 1 s) ample time.
      `sentinel failover-timeout ${MASTER_NAME} 3000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-sentinel', [config], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await ready(port);
  return { port, child };
}

export async function startSentinelSetup(): Promise<SentinelSetup> {
  requireRedisSentinel();
  const password = `test-${Math.random().toString(36).slice(2)}`;
  const auth = ['--requirepass', password, '--masterauth', password];
  const dir = tempDir('rr-sentinel-');
  const master = await startRedis(auth);
  const replica = await startRedis([...auth, '--replicaof', '127.0.0.1', String(master.port)]);
  const sentinels: { port: number; child: ChildProcess }[] = [];
  const close = async () => {
    for (const { child } of sentinels) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    await Promise.all([master.close(), replica.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'the replica to sync',
      async () =>
        String(await ask(replica.port, ['INFO', 'replication'], password)).includes(
          'master_link_status:up',
        ),
      10_000,
    );
    for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(dir, master.port, password));
    // A failover needs a majority of sentinels that know each other and the replica (they
    // find each other through the master's hello channel, every 2 s).
    for (const { port } of sentinels) {
      await until(
        'the sentinels to find each other and the replica',
        async () => {
          const [others, replicas] = (await Promise.all([
            ask(port, ['SENTINEL', 'SENTINELS', MASTER_NAME]),
            ask(port, ['SENTINEL', 'REPLICAS', MASTER_NAME]),
          ])) as [unknown[], unknown[]];
          return others.length === 2 && replicas.length === 1;
        },
        15_000,
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  const waitForMaster = (port: number, timeoutMs = 30_000) =>
    until(
      `the sentinels to name port ${port} the master`,
      async () => {
        const named = await Promise.all(
          sentinels.map(
            async (s) =>
              (await ask(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME])) as string[],
          ),
        );
        return named.every((addr) => addr[1] === String(port));
      },
      timeoutMs,
    );
  return {
    sentinels: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    masterName: MASTER_NAME,
    password,
    master,
    replica,
    waitForMaster,
    close,
  };
}
