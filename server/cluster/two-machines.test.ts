/**
 * Two nodes as on two machines: separate data folders (nothing shared on disk), joined only by
 * one PostgreSQL database (accounts, keys, audit trail) and one Redis, behind the test balancer.
 * An advisor signs in on one node and connects to the other, refreshes on either, calls someone
 * on the other node, and when IT disables her with the admin CLI (from a third place, given only
 * --database) her sockets on both nodes close within a second, each told why.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import { hashPassword } from '../auth/passwords.ts';
import { connectCall } from '../testing/calls.ts';
import { loginAt, startClusterNode, type ClusterNode } from '../testing/cluster-nodes.ts';
import { PASSWORD, fakeSdp, makeClient, tempDir, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

const run = promisify(execFile);
const TIMINGS = { heartbeatMs: 200, deadAfterMs: 800, timerPollMs: 50, disconnectGraceMs: 30_000 };

let redis: RedisProcess;
let database: TestDatabase;
let a: ClusterNode;
let b: ClusterNode;
let balancer: TcpProxy;
const folders: string[] = [];
const clients: Client[] = [];
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cleanup.push(() => redis.close());
  const folder = (name: string) => {
    const made = tempDir(`rr-machine-${name}-`);
    folders.push(made);
    return made;
  };
  cleanup.push(() => {
    for (const made of folders) rmSync(made, { recursive: true, force: true });
  });
  database = await createTestDatabase(folder('seed'), 'postgres');
  const seeding = await database.open();
  const passwordHash = await hashPassword(PASSWORD);
  await seeding.accounts.createCircle('Team');
  for (const username of ['alice', 'bob']) {
    await seeding.accounts.createUser({
      username,
      displayName: `${username} Tester`,
      passwordHash,
    });
    await seeding.accounts.addMember('Team', username);
  }
  await seeding.close();
  // The URL through the environment, as a deployment passes its password.
  const env = { RR_DATABASE_URL: database.url };
  [a, b] = (await Promise.all(
    ['a', 'b'].map((name) =>
      startClusterNode({ dataDir: folder(name), redisUrl: redis.url, timings: TIMINGS, env }),
    ),
  )) as [ClusterNode, ClusterNode];
  cleanup.push(() => Promise.all([a.stop(), b.stop()]));
  balancer = await startTcpProxy([a.port, b.port]);
  cleanup.push(() => balancer.close());
});

afterAll(async () => {
  for (const client of clients) client.socket.disconnect();
  for (const step of cleanup.reverse()) await step();
});

/** A socket on `url` with tokens got elsewhere. */
async function connectWith(url: string, tokens: TokenPair): Promise<Client> {
  const socket = io(url, {
    auth: { token: tokens.accessToken },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client = makeClient(socket, tokens);
  clients.push(client);
  const counted = new Promise((resolve) => socket.once('presence-snapshot', resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await counted;
  return client;
}

const refreshAt = async (url: string, refreshToken: string) => {
  const res = await fetch(`${url}/api/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return { status: res.status, body: (await res.json()) as TokenPair };
};

describe('two nodes on two machines', () => {
  it('share accounts, keys and sessions through PostgreSQL, and calls through Redis', async () => {
    // Nothing of the accounts is on either machine's disk.
    expect(folders.some((f) => existsSync(join(f, 'advisor.db')))).toBe(false);

    // Signed in on A, connected to B.
    const signedIn = await loginAt(a.url, 'alice');
    const aliceOnB = await connectWith(b.url, signedIn);
    // Refreshed on B, then on A; the token B rotated away is refused on A.
    const onB = await refreshAt(b.url, signedIn.refreshToken);
    expect(onB.status).toBe(200);
    const onA = await refreshAt(a.url, onB.body.refreshToken);
    expect(onA.status).toBe(200);
    expect((await refreshAt(a.url, signedIn.refreshToken)).status).toBe(401);

    // Bob comes in through the balancer (its first node, A); Alice on B calls him.
    const bobTokens = await loginAt(balancer.url, 'bob');
    const bob = await connectWith(balancer.url, bobTokens);
    const callId = await connectCall(aliceOnB, bob);
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    expect(
      await bob.send('ice-candidate', { to: aliceOnB.userId, candidate, callId }),
    ).toMatchObject({ ok: true });
    expect(await aliceOnB.next('ice-candidate')).toMatchObject({ from: bob.userId, callId });
    expect(
      await aliceOnB.send('call-renegotiate', {
        to: bob.userId,
        callId,
        description: fakeSdp('offer'),
      }),
    ).toMatchObject({ ok: true });
    expect(await bob.next('call-renegotiate')).toMatchObject({ from: aliceOnB.userId, callId });

    // Alice on A too, with the token refreshed there; then IT disables her from a third place.
    const aliceOnA = await connectWith(a.url, onA.body);
    const gone = [aliceOnA, aliceOnB].map(
      (client) => new Promise<string>((resolve) => client.socket.once('disconnect', resolve)),
    );
    const { stdout } = await run(process.execPath, [
      ...['server/admin/cli.ts', '--database', database.url!],
      ...['user', 'disable', 'alice'],
    ]);
    expect(stdout).toMatch(/User alice disabled/);
    const disabledAt = performance.now();
    // Within a second of the change, on both nodes, each socket told why.
    for (const client of [aliceOnA, aliceOnB]) {
      expect(await client.next('account-disabled', 1_000)).toMatchObject({
        message: expect.stringMatching(/disabled/) as string,
      });
    }
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    console.log(
      `[two-machines] both of alice's sockets closed ${Math.round(performance.now() - disabledAt)} ms after the admin CLI disabled her`,
    );
    expect(await bob.next('end-call', 3_000)).toMatchObject({ from: aliceOnB.userId, callId });
    // Her session is over on both nodes, and so is signing in.
    expect((await refreshAt(b.url, onA.body.refreshToken)).status).toBe(401);
    await expect(loginAt(a.url, 'alice')).rejects.toThrow(/403/);
  }, 30_000);
});
