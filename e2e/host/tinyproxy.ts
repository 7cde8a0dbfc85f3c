/**
 * A real HTTP proxy (Debian's tinyproxy) on a free loopback port, as a firm's network puts in
 * front of the internet: CONNECT tunnels only, optionally Basic proxy sign-in. Its log is kept so
 * a test can show which connections went through it. Fails, never skips, without tinyproxy.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../server/testing/free-port.ts';
import { tempDir } from '../../server/testing/harness.ts';

export interface Tinyproxy {
  host: string;
  port: number;
  /** What the system proxy settings would say for it: "PROXY 127.0.0.1:<port>". */
  pac: string;
  /** CONNECT requests it has received for this host:port so far. */
  connectsTo(hostPort: string): number;
  stop(): Promise<void>;
}

function requireTinyproxy(): void {
  const probe = spawnSync('tinyproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'tinyproxy is not installed, and the proxy tests need a real one. Run the tests through ' +
        'scripts/with-deps (it installs the Debian package tinyproxy), or: apt-get install -y tinyproxy',
    );
  }
}

async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited: ${output().slice(-500)}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`tinyproxy did not listen on ${port}: ${output().slice(-500)}`);
}

export async function startTinyproxy(
  options: { basicAuth?: { username: string; password: string } } = {},
): Promise<Tinyproxy> {
  requireTinyproxy();
  const dir = tempDir('rr-tinyproxy-');
  const port = await freePort();
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 120',
      'MaxClients 100',
      'Allow 127.0.0.1',
      // One line per CONNECT ("Request (file descriptor N): CONNECT host:port HTTP/1.1").
      'LogLevel Connect',
      ...(options.basicAuth
        ? [`BasicAuth ${options.basicAuth.username} ${options.basicAuth.password}`]
        : []),
    ].join('\n'),
  );
  // -d: stay in the foreground and log to stderr.
  const child = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  await listening(port, child, () => output);
  return {
    host: '127.0.0.1',
    port,
    pac: `PROXY 127.0.0.1:${port}`,
    connectsTo: (hostPort) =>
      output.split('\n').filter((line) => line.includes(`: CONNECT ${hostPort} HTTP/`)).length,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
