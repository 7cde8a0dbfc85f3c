/**
 * The original mobile app's client, `io(url)` with Socket.io's default transports (long-polling
 * first, then the upgrade to WebSocket), against two nodes sharing Redis behind a balancer that
 * keeps each client on one node by cookie (server/testing/sticky-balancer.ts): it signs in,
 * upgrades, and trades a call's messages with a WebSocket-only client on the other node.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAt, type ClusterNode } from '../testing/cluster-nodes.ts';
import { makeClient, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { expectSeedEvents } from '../testing/seed-relay.ts';
import { startStickyBalancer, type StickyBalancer } from '../testing/sticky-balancer.ts';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.ts';

const TIMINGS = { heartbeatMs: 200, deadAfterMs: 800, timerPollMs: 50 };

let redis: RedisProcess;
let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;
let balancer: StickyBalancer;
const clients: Client[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startTestCluster({
    users: ['alice', 'bob', 'carol', 'dave'],
    redisUrl: redis.url,
    timings: TIMINGS,
    nodes: [{}, {}],
  });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  balancer = await startStickyBalancer([a.port, b.port]);
});

afterAll(async () => {
  for (const client of clients.splice(0)) client.socket.disconnect();
  await balancer.close();
  await cluster.close();
  await redis.close();
});

/**
 * `io(balancer)` with the default transports. Browsers and React Native keep cookies; Node's
 * client keeps them only with `withCredentials`. Signs in at node A (accounts are shared).
 */
async function defaultClient(username: string): Promise<{ client: Client; first: string }> {
  const tokens = await loginAt(a.url, username);
  const socket = io(balancer.url, {
    auth: { token: tokens.accessToken },
    withCredentials: true,
    reconnection: false,
    forceNew: true,
  });
  const client = makeClient(socket, tokens);
  clients.push(client);
  let first = '';
  socket.io.once('open', () => {
    first = socket.io.engine.transport.name;
  });
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
  return { client, first };
}

/** Resolves once the client's connection runs over WebSocket. */
const upgraded = (client: Client) =>
  new Promise<void>((resolve) => {
    const engine = client.socket.io.engine;
    if (engine.transport.name === 'websocket') resolve();
    else
      engine.once('upgrade', () => {
        resolve();
      });
  });

describe('default Socket.io clients across two nodes', () => {
  it('one that starts on long-polling, through the sticky balancer, calls a WebSocket-only client on the other node', async () => {
    const { client: alice, first } = await defaultClient('alice');
    expect(first).toBe('polling');
    await upgraded(alice);
    const sid = alice.socket.io.engine.id;
    // Every request of its session, polling and the upgrade, reached one node.
    const [node] = balancer.backendsOf(sid);
    expect(balancer.backendsOf(sid)).toEqual([node]);
    const other = node === 0 ? b : a;
    const bob = await cluster.on(other.url, 'bob');
    await expectSeedEvents(alice, bob, 'alice Tester');
  });

  it('two of them are spread over both nodes and call each other', async () => {
    const { client: carol } = await defaultClient('carol');
    const { client: dave } = await defaultClient('dave');
    const carolNodes = balancer.backendsOf(carol.socket.io.engine.id);
    const daveNodes = balancer.backendsOf(dave.socket.io.engine.id);
    expect(carolNodes).toHaveLength(1);
    expect(daveNodes).toHaveLength(1);
    expect(carolNodes).not.toEqual(daveNodes);
    await expectSeedEvents(carol, dave, 'carol Tester');
  });
});
