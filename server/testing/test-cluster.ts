/**
 * A cluster for tests in one call: a database with users in one circle (the data folder's SQLite,
 * or with RR_TEST_DATABASE=postgres a PostgreSQL database: test-database.ts), and server nodes as
 * separate processes (server/testing/cluster-node.ts) over one Redis or a Sentinel set-up.
 * Clients connected through `on` leave with `disconnectAll`; `close` undoes everything.
 */
import { rmSync } from 'node:fs';
import { hashPassword } from '../auth/passwords.ts';
import { connectAt, startClusterNode, type ClusterNode } from './cluster-nodes.ts';
import { PASSWORD, tempDir, type Client } from './harness.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestCluster {
  dataDir: string;
  nodes: ClusterNode[];
  /** A signed-in client of `username` on this node (or balancer) URL. */
  on(url: string, username: string, options?: Parameters<typeof connectAt>[2]): Promise<Client>;
  disconnectAll(): void;
  close(): Promise<void>;
}

export async function startTestCluster(options: {
  users: string[];
  redisUrl?: string;
  sentinel?: { sentinels: string; masterName: string; password: string };
  timings: Record<string, number>;
  /** One entry per node: its extra environment. */
  nodes: NodeJS.ProcessEnv[];
}): Promise<TestCluster> {
  const dataDir = tempDir('rr-cluster-');
  const nodes: ClusterNode[] = [];
  const clients: Client[] = [];
  const disconnectAll = () => {
    for (const client of clients.splice(0)) client.socket.disconnect();
  };
  const close = async () => {
    disconnectAll();
    await Promise.all(nodes.filter(Boolean).map((node) => node.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const database = await createTestDatabase(dataDir);
    const opened = await database.open();
    const store = opened.accounts;
    const passwordHash = await hashPassword(PASSWORD);
    await store.createCircle('Team');
    for (const username of options.users) {
      await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
      await store.addMember('Team', username);
    }
    await opened.close();
    const { redisUrl, sentinel, timings } = options;
    const onDatabase = database.url === undefined ? {} : { RR_DATABASE_URL: database.url };
    // By index, so that nodes[i] has options.nodes[i]'s environment, and each one started is
    // stopped by close even when another failed to start.
    await Promise.all(
      options.nodes.map(async (env, i) => {
        nodes[i] = await startClusterNode({
          dataDir,
          timings,
          env: { ...onDatabase, ...env },
          ...(redisUrl ? { redisUrl } : {}),
          ...(sentinel ? { sentinel } : {}),
        });
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    dataDir,
    nodes,
    async on(url, username, clientOptions) {
      const client = await connectAt(url, username, clientOptions);
      clients.push(client);
      return client;
    },
    disconnectAll,
    close,
  };
}
