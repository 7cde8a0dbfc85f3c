/**
 * Disabling an account with the real admin CLI (its own process, as IT runs it) ends that
 * account's sockets on every node of a cluster: two server processes over one data folder and
 * one real redis-server.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.ts';
import { openSqliteStore } from '../storage/sqlite-store.ts';
import { connectAt, startClusterNode, type ClusterNode } from '../testing/cluster-nodes.ts';
import { PASSWORD, fakeSdp, tempDir, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

const run = promisify(execFile);
// A long reconnect grace: the call ends at once only because the account is gone.
const TIMINGS = { heartbeatMs: 200, deadAfterMs: 800, timerPollMs: 50, disconnectGraceMs: 30_000 };

let redis: RedisProcess;
let dataDir: string;
let a: ClusterNode;
let b: ClusterNode;
const clients: Client[] = [];
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cleanup.push(() => redis.close());
  dataDir = tempDir('rr-disable-cluster-');
  cleanup.push(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  const store = openSqliteStore(dataDir);
  const passwordHash = await hashPassword(PASSWORD);
  await store.createCircle('Team');
  for (const username of ['alice', 'bob']) {
    await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
    await store.addMember('Team', username);
  }
  await store.close();
  [a, b] = (await Promise.all(
    [0, 1].map(() => startClusterNode({ dataDir, redisUrl: redis.url, timings: TIMINGS })),
  )) as [ClusterNode, ClusterNode];
  cleanup.push(() => Promise.all([a.stop(), b.stop()]));
});

afterAll(async () => {
  for (const client of clients) client.socket.disconnect();
  for (const step of cleanup.reverse()) await step();
});

const on = async (node: ClusterNode, username: string) => {
  const client = await connectAt(node.url, username);
  clients.push(client);
  return client;
};

describe('disabling an account across two nodes', () => {
  it("ends the account's sockets on both nodes, each told why, and its call for the other party", async () => {
    const aliceOnA = await on(a, 'alice');
    const aliceOnB = await on(b, 'alice');
    const bob = await on(b, 'bob');
    const id = callId(
      await aliceOnA.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }),
    );
    await bob.next('call-offer');
    await bob.send('call-answer', { answer: fakeSdp('answer'), to: aliceOnA.userId, callId: id });
    const gone = [aliceOnA, aliceOnB].map(
      (client) => new Promise<string>((resolve) => client.socket.once('disconnect', resolve)),
    );

    const { stdout } = await run(process.execPath, [
      'server/admin/cli.ts',
      '--data',
      dataDir,
      'user',
      'disable',
      'alice',
    ]);
    expect(stdout).toMatch(/disabled/);

    for (const client of [aliceOnA, aliceOnB]) {
      expect(await client.next('account-disabled', 3_000)).toMatchObject({
        message: expect.stringMatching(/disabled/) as string,
      });
    }
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await bob.next('end-call', 3_000)).toEqual({ from: aliceOnA.userId, callId: id });
    expect(bob.socket.connected).toBe(true);
    // Neither node lets the account back in.
    await expect(connectAt(a.url, 'alice')).rejects.toThrow();
  }, 15_000);
});
