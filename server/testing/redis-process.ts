/**
 * A real redis-server for tests: on a free loopback port, in a temp dir, with its append-only
 * file on so that a restart (stop, then start on the same port) keeps the calls and the stream,
 * as production should. Fails, never skips, when redis-server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from './free-port.ts';
import { tempDir } from './harness.ts';

export interface RedisProcess {
  url: string;
  port: number;
  /** Stops the server (SIGTERM: it writes its append-only file and exits). */
  stop(): Promise<void>;
  /** SIGKILL: the server dies without a word, as on a crash or power loss. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function requireRedisServer(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not installed, and the cluster tests need a real one. Run the tests ' +
        'through scripts/with-deps (it installs the Debian package redis-server), or: ' +
        'apt-get install -y redis-server',
    );
  }
}

/** Resolves once the server answers PING (or, with a password, asks for it) on the port. */
export async function ready(port: number, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', () => {
        resolve(false);
      });
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `args`: more redis-server options (e.g. `--replicaof`, `--requirepass`). */
export async function startRedis(args: string[] = []): Promise<RedisProcess> {
  requireRedisServer();
  const dir = tempDir('rr-redis-');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        // Redis's default with the append-only file, as production would run it; a SIGTERM
        // writes out the last second anyway.
        '--appendfsync',
        'everysec',
        '--loglevel',
        'warning',
        ...args,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await ready(port);
  };
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => {
        resolve();
      });
      running.kill(signal);
    });
  };
  const stop = () => end('SIGTERM');
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    kill: () => end('SIGKILL'),
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
