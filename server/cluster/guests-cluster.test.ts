/**
 * Guests across two server nodes (separate processes) sharing one real redis-server: the lobby,
 * its decisions and the knock limit hold whichever node the guest and the advisor reach.
 */
import { rmSync } from 'node:fs';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUEST_REFUSAL_MESSAGES,
  knockResponseSchema,
  type KnockResponse,
} from '../../shared/protocol/guest.ts';
import { hashPassword } from '../auth/passwords.ts';
import { openSqliteStore } from '../storage/sqlite-store.ts';
import type { AccountStore } from '../storage/store.ts';
import { connectAt, startClusterNode, type ClusterNode } from '../testing/cluster-nodes.ts';
import { PASSWORD, fakeSdp, makeClient, tempDir, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf } from '../testing/seed-relay.ts';

const TIMINGS = { heartbeatMs: 200, deadAfterMs: 800, timerPollMs: 50 };

let redis: RedisProcess;
let dataDir: string;
let store: AccountStore;
let a: ClusterNode;
let b: ClusterNode;
const sockets: Client[] = [];
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cleanup.push(() => redis.close());
  dataDir = tempDir('rr-guest-cluster-');
  cleanup.push(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  store = openSqliteStore(dataDir);
  cleanup.push(() => store.close());
  const passwordHash = await hashPassword(PASSWORD);
  await store.createCircle('Team');
  for (const username of ['alice', 'bob']) {
    await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
    await store.addMember('Team', username);
  }
  [a, b] = (await Promise.all(
    [0, 1].map(() => startClusterNode({ dataDir, redisUrl: redis.url, timings: TIMINGS })),
  )) as [ClusterNode, ClusterNode];
  cleanup.push(() => Promise.all([a.stop(), b.stop()]));
});

afterAll(async () => {
  for (const client of sockets) client.socket.disconnect();
  for (const step of cleanup.reverse()) await step();
});

const post = async (url: string, path: string, body: unknown, token?: string) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  return { status: res.status, body: json };
};

async function knockAt(url: string, token: string, name: string): Promise<KnockResponse> {
  const res = await post(url, '/api/guest/knock', { token, name });
  if (res.status !== 200) throw new Error(`knock: ${res.status}`);
  return knockResponseSchema.parse(res.body);
}

async function guestAt(url: string, knocked: KnockResponse): Promise<Client> {
  const socket = io(url, {
    auth: { token: knocked.guestToken },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client = makeClient(socket, {
    accessToken: knocked.guestToken,
    refreshToken: '',
    expiresIn: knocked.expiresIn,
    user: { id: knocked.guestId, username: knocked.guestId, displayName: 'Guest' },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  sockets.push(client);
  return client;
}

const on = async (node: ClusterNode, username: string) => {
  const client = await connectAt(node.url, username);
  sockets.push(client);
  return client;
};

async function linkOf(advisor: Client): Promise<string> {
  const res = await post(b.url, '/api/guest-links', {}, advisor.tokens.accessToken);
  return (res.body as { token: string }).token;
}

describe('guests on two nodes sharing Redis', () => {
  it('a guest on one node waits for an advisor on the other, is admitted, called and answers', async () => {
    const alice = await on(b, 'alice');
    const knocked = await knockAt(a.url, await linkOf(alice), 'Pat');
    const guest = await guestAt(a.url, knocked);
    expect(await alice.next('guest-waiting')).toEqual({ guestId: guest.userId, name: 'Pat' });
    // Another device of alice's, on the guest's node, hears of them from the shared lobby.
    const laptop = await on(a, 'alice');
    expect(await laptop.next('guest-waiting')).toEqual({ guestId: guest.userId, name: 'Pat' });
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toEqual({ ok: true });
    expect(await guest.next('guest-admitted')).toEqual({
      advisorId: alice.userId,
      advisorName: 'alice Tester',
    });
    expect(await laptop.next('guest-gone')).toEqual({ guestId: guest.userId });
    const id = callIdOf(
      await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') }),
    );
    await guest.next('call-offer');
    await guest.send('call-answer', { to: alice.userId, callId: id, answer: fakeSdp('answer') });
    expect(await alice.next('call-answer')).toMatchObject({ from: guest.userId, callId: id });
    await guest.send('end-call', { to: alice.userId, callId: id });
    await alice.next('end-call');
    for (const client of [alice, laptop, guest]) client.socket.disconnect();
  });

  it('turned away from the other node: the guest is told and disconnected there', async () => {
    const bob = await on(b, 'bob');
    const guest = await guestAt(a.url, await knockAt(a.url, await linkOf(bob), 'Sam'));
    await bob.next('guest-waiting');
    const closed = new Promise<string>((resolve) => guest.socket.once('disconnect', resolve));
    expect(await bob.send('guest-deny', { guestId: guest.userId })).toEqual({ ok: true });
    expect(await guest.next('guest-refused')).toEqual({
      reason: 'denied',
      message: GUEST_REFUSAL_MESSAGES.denied,
    });
    expect(await closed).toBe('io server disconnect');
    expect(await bob.next('guest-gone')).toEqual({ guestId: guest.userId });
    bob.socket.disconnect();
  });

  it('the knock limit per address holds across both nodes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const node = i % 2 === 0 ? a : b;
      statuses.push((await post(node.url, '/api/guest/knock', { token: 'x', name: 'P' })).status);
    }
    // Ten a minute from one address, counted once for both nodes (earlier tests spent some).
    const limited = statuses.indexOf(429);
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(limited).toBeLessThanOrEqual(10);
    expect(statuses.slice(0, limited).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(limited)).toEqual(statuses.slice(limited).map(() => 429));
    expect(statuses.length - limited).toBeGreaterThanOrEqual(2); // refused on both nodes
  });
});
