/**
 * Cluster test support: server nodes as separate processes (server/testing/cluster-node.ts) over
 * one data folder and one Redis, and clients that sign in and connect to whichever node or
 * balancer address the test names.
 */
import { fileURLToPath } from 'node:url';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import { PASSWORD, makeClient, type Client } from './harness.ts';
import { startServerProcess, type ServerProcess } from './server-process.ts';

const ENTRY = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));

export type ClusterNode = ServerProcess;

export function startClusterNode(options: {
  dataDir: string;
  /** One Redis; or `sentinel`, a Sentinel set-up's (server/testing/redis-sentinel.ts). */
  redisUrl?: string;
  sentinel?: { sentinels: string; masterName: string; password: string };
  port?: number;
  timings: Record<string, number>;
  /** More environment, e.g. RR_TEST_STALL_TIMERS (cluster-node.ts). */
  env?: NodeJS.ProcessEnv;
}): Promise<ClusterNode> {
  const args = ['--port', String(options.port ?? 0), '--data', options.dataDir, '--quiet'];
  const { sentinel } = options;
  if (sentinel) {
    args.push('--redis-sentinel', sentinel.sentinels, '--redis-master-name', sentinel.masterName);
  }
  // The URL and password through the environment, the way a real deployment would pass them.
  return startServerProcess(ENTRY, args, {
    ...(options.redisUrl ? { RR_REDIS_URL: options.redisUrl } : {}),
    ...(sentinel ? { RR_REDIS_PASSWORD: sentinel.password } : {}),
    RR_TEST_TIMINGS: JSON.stringify(options.timings),
    ...options.env,
  });
}

export async function loginAt(
  url: string,
  username: string,
  password = PASSWORD,
): Promise<TokenPair> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (await res.json()) as TokenPair;
}

/** A signed-in, connected client on `url` (a node, or the balancer in front of them). */
export async function connectAt(
  url: string,
  username: string,
  options: Partial<ManagerOptions & SocketOptions> = {},
  password = PASSWORD,
): Promise<Client> {
  const tokens = await loginAt(url, username, password);
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
