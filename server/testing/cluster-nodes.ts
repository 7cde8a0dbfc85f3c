/**
 * Cluster test support: server nodes as separate processes (server/testing/cluster-node.ts) over
 * one data folder and one Redis, and clients that sign in and connect to whichever node or
 * balancer address the test names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import { PASSWORD, makeClient, type Client } from './harness.ts';

const ENTRY = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));

export interface ClusterNode {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGKILL: the node dies without a word, as on a crash or power loss. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function startClusterNode(options: {
  dataDir: string;
  redisUrl: string;
  port?: number;
  timings: Record<string, number>;
}): Promise<ClusterNode> {
  const args = ['--port', String(options.port ?? 0), '--data', options.dataDir, '--quiet'];
  const child = spawn(process.execPath, [ENTRY, ...args], {
    // The URL through the environment, the way a real deployment would pass a password.
    env: {
      ...process.env,
      RR_REDIS_URL: options.redisUrl,
      RR_TEST_TIMINGS: JSON.stringify(options.timings),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const failed = () => {
      reject(new Error(`cluster node exited before listening: ${out}`));
    };
    child.once('exit', failed);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (!url) return;
      child.removeListener('exit', failed);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url,
        port: Number(new URL(url).port),
        process: child,
        kill: () => end('SIGKILL'),
        stop: () => end('SIGTERM'),
      });
    });
  });
}

export async function loginAt(url: string, username: string): Promise<TokenPair> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()) as TokenPair;
}

/** A signed-in, connected client on `url` (a node, or the balancer in front of them). */
export async function connectAt(
  url: string,
  username: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Client> {
  const tokens = await loginAt(url, username);
  const socket = io(url, {
    auth: { token: tokens.accessToken },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  const client = makeClient(socket, tokens);
  // The snapshot comes once the node has counted this socket in Redis; before that, for a
  // moment, another node could still find the user offline.
  const counted = new Promise<void>((resolve) => {
    socket.once('presence-snapshot', () => {
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await counted;
  return client;
}
