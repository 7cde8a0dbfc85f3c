/**
 * Two server nodes as separate processes, one real redis-server, one SQLite data folder: the
 * signaling rules hold across nodes, a node's death and a Redis restart lose no call.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { hashPassword } from '../auth/passwords.ts';
import { openSqliteStore } from '../storage/sqlite-store.ts';
import type { AccountStore } from '../storage/store.ts';
import { connectAt, startClusterNode, type ClusterNode } from '../testing/cluster-nodes.ts';
import { PASSWORD, fakeSdp, sleep, tempDir, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf as callId, expectSeedEvents } from '../testing/seed-relay.ts';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.ts';

const TIMINGS = {
  ringTimeoutMs: 1_000,
  disconnectGraceMs: 2_000,
  heartbeatMs: 200,
  deadAfterMs: 800,
  timerPollMs: 50,
};

let redis: RedisProcess;
let dataDir: string;
let store: AccountStore;
let a: ClusterNode;
let b: ClusterNode;
const clients: Client[] = [];
/** Undoes beforeAll step by step, so a failed start (no redis-server) still cleans up. */
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cleanup.push(() => redis.close());
  dataDir = tempDir('rr-cluster-');
  cleanup.push(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  store = openSqliteStore(dataDir);
  cleanup.push(() => store.close());
  const passwordHash = await hashPassword(PASSWORD);
  await store.createCircle('Team');
  for (const username of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hal']) {
    await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
    await store.addMember('Team', username);
  }
  [a, b] = (await Promise.all(
    [0, 1].map(() => startClusterNode({ dataDir, redisUrl: redis.url, timings: TIMINGS })),
  )) as [ClusterNode, ClusterNode];
  cleanup.push(() => Promise.all([a.stop(), b.stop()]));
});

// Each test's clients leave with it, so a failed test does not leave others in its calls.
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.disconnect();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

const on = async (node: ClusterNode | TcpProxy, username: string, options = {}) => {
  const client = await connectAt(node.url, username, options);
  clients.push(client);
  return client;
};

/** `caller` calls `callee`, who answers; returns the call id. */
async function connectCall(caller: Client, callee: Client): Promise<string> {
  const id = callId(
    await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId }),
  );
  await callee.next('call-offer');
  expect(
    await callee.send('call-answer', { answer: fakeSdp('answer'), to: caller.userId }),
  ).toEqual({ ok: true, callId: id });
  await caller.next('call-answer');
  return id;
}

const renegotiation = (to: Client, id: string, n: number) => ({
  to: to.userId,
  callId: id,
  description: { type: 'offer', sdp: `v=0 seq=${n}` },
});

describe('two nodes sharing Redis', () => {
  it('relays the seed events between advisors on different nodes, with `from` stamped', async () => {
    const alice = await on(a, 'alice');
    const bob = await on(b, 'bob');
    await expectSeedEvents(alice, bob, 'alice Tester');
    alice.socket.disconnect();
    bob.socket.disconnect();
  });

  it('a call nobody answers is missed on both nodes after the ring timeout', async () => {
    const carol = await on(a, 'carol');
    const dave = await on(b, 'dave');
    const started = Date.now();
    const id = callId(await carol.send('call-offer', { offer: fakeSdp('offer'), to: dave.userId }));
    expect(await dave.next('call-missed', 3_000)).toEqual({ callId: id, peer: carol.userId });
    expect(await carol.next('call-missed', 3_000)).toEqual({ callId: id, peer: dave.userId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMINGS.ringTimeoutMs - 50);
    // The call is gone everywhere: dave can call carol from the other node now.
    expect(await dave.send('call-offer', { offer: fakeSdp('offer'), to: carol.userId })).toEqual({
      ok: true,
      callId: expect.any(String) as string,
    });
    carol.socket.disconnect();
    dave.socket.disconnect();
  });

  it('a second call to a user in a call is busy, whichever node it comes from', async () => {
    const erin = await on(a, 'erin');
    const frank = await on(b, 'frank');
    const gina = await on(a, 'gina');
    const hal = await on(b, 'hal');
    // gina (node A) and hal (node B) ring erin at the same moment: exactly one of them gets through.
    const [fromGina, fromHal] = await Promise.all([
      gina.send('call-offer', { offer: fakeSdp('offer'), to: erin.userId }),
      hal.send('call-offer', { offer: fakeSdp('offer'), to: erin.userId }),
    ]);
    await sleep(200);
    const offers = erin.received('call-offer') as { from: string }[];
    expect(offers).toHaveLength(1);
    const [winner, loser, loserId] =
      offers[0]?.from === gina.userId
        ? [gina, hal, callId(fromHal)]
        : [hal, gina, callId(fromGina)];
    expect(await loser.next('call-busy')).toEqual({ from: erin.userId, callId: loserId });
    await erin.next('call-offer');
    await erin.send('call-answer', { answer: fakeSdp('answer'), to: winner.userId });
    await winner.next('call-answer');
    // frank, on the other node from erin, finds her busy in the answered call too.
    const frankId = callId(
      await frank.send('call-offer', { offer: fakeSdp('offer'), to: erin.userId }),
    );
    expect(await frank.next('call-busy')).toEqual({ from: erin.userId, callId: frankId });
    await erin.send('end-call', { to: winner.userId });
    await winner.next('end-call');
    for (const client of [erin, frank, gina, hal]) client.socket.disconnect();
  });

  it("call-resume of a call Redis does not know: one party's word makes nobody busy, both parties' brings it back across nodes", async () => {
    const erin = await on(a, 'erin');
    const frank = await on(b, 'frank');
    const gina = await on(a, 'gina');
    const hal = await on(b, 'hal');
    // hal (node B) forges a resume with gina (node A): gina still rings for a real call.
    await hal.send('call-resume', { to: gina.userId, callId: randomUUID() });
    const real = callId(
      await frank.send('call-offer', { offer: fakeSdp('offer'), to: gina.userId }),
    );
    expect(await gina.next('call-offer')).toMatchObject({ from: frank.userId, callId: real });
    await frank.send('call-cancel', { to: gina.userId, callId: real });
    await gina.next('call-cancel');
    // erin (A) and frank (B) both resume a call the registry lost: it is back on both nodes.
    const lost = randomUUID();
    const ok = { ok: true, callId: lost };
    expect(await erin.send('call-resume', { to: frank.userId, callId: lost })).toEqual(ok);
    expect(await frank.send('call-resume', { to: erin.userId, callId: lost })).toEqual(ok);
    await erin.send('call-renegotiate', renegotiation(frank, lost, 1));
    expect(await frank.next('call-renegotiate')).toMatchObject({ from: erin.userId, callId: lost });
    await frank.send('end-call', { to: erin.userId, callId: lost });
    expect(await erin.next('end-call')).toEqual({ from: frank.userId, callId: lost });
    for (const client of [erin, frank, gina, hal]) client.socket.disconnect();
  });

  it('call-resume of a meeting of three Redis does not know: it comes back whole across nodes, and nobody else gets in', async () => {
    const erin = await on(a, 'erin');
    const frank = await on(b, 'frank');
    const gina = await on(a, 'gina');
    const hal = await on(b, 'hal');
    const lost = randomUUID();
    const ok = { ok: true, callId: lost };
    // Each names the other two, gina first (before the call is known again), hal never named.
    for (const [from, to] of [
      [gina, erin],
      [gina, frank],
      [erin, frank],
      [frank, erin],
      [hal, erin],
      [erin, gina],
      [frank, gina],
    ] as const) {
      expect(await from.send('call-resume', { to: to.userId, callId: lost })).toEqual(ok);
    }
    for (const [from, to] of [
      [gina, frank],
      [frank, gina],
      [erin, gina],
    ] as const) {
      await from.send('call-renegotiate', renegotiation(to, lost, 1));
      expect(await to.next('call-renegotiate')).toMatchObject({ from: from.userId, callId: lost });
    }
    expect(await hal.send('call-renegotiate', renegotiation(erin, lost, 1))).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    await frank.send('end-call', { to: erin.userId, callId: lost });
    expect(await erin.next('end-call')).toEqual({ from: frank.userId, callId: lost });
    await gina.send('end-call', { to: erin.userId, callId: lost });
    expect(await erin.next('end-call')).toEqual({ from: gina.userId, callId: lost });
    for (const client of [erin, frank, gina, hal]) client.socket.disconnect();
  });

  it('presence crosses nodes: online, in a call, offline', async () => {
    const alice = await on(a, 'alice');
    await alice.next('presence-snapshot');
    const bob = await on(b, 'bob');
    const snapshot = await bob.next<{ users: { userId: string; status: string }[] }>(
      'presence-snapshot',
    );
    expect(snapshot.users).toContainEqual({ userId: alice.userId, status: 'online' });
    const seen = async (userId: string, status: string) => {
      for (;;) {
        const p = await alice.next<{ userId: string; status: string }>('presence');
        if (p.userId === userId && p.status === status) return;
      }
    };
    await seen(bob.userId, 'online');
    const carol = await on(a, 'carol');
    await connectCall(bob, carol);
    await seen(bob.userId, 'in-call');
    await bob.send('end-call', { to: carol.userId });
    await seen(bob.userId, 'online');
    bob.socket.disconnect();
    await seen(bob.userId, 'offline');
    alice.socket.disconnect();
    carol.socket.disconnect();
  });

  it('a Redis restart loses no signaling message: every one arrives, in order', async () => {
    const gina = await on(a, 'gina');
    const hal = await on(b, 'hal');
    const id = await connectCall(gina, hal);
    const acks: Promise<Ack>[] = [];
    let sent = 0;
    const sending = { on: true };
    // One message each way every 10 ms, from before Redis stops until after it is back. It stays
    // down longer than a node's dead-after time, so every heartbeat goes stale.
    const sender = (async () => {
      for (; sending.on; sent++) {
        acks.push(gina.send('call-renegotiate', renegotiation(hal, id, sent)));
        acks.push(
          hal.send('media-state', {
            to: gina.userId,
            callId: id,
            state: { audio: sent % 2 === 0, video: true, screen: false },
          }),
        );
        await sleep(10);
      }
    })();
    await sleep(300);
    await redis.stop();
    const sentBeforeStop = sent;
    await sleep(TIMINGS.deadAfterMs + 400);
    const sentWhileDown = sent - sentBeforeStop;
    await redis.start();
    await sleep(300);
    sending.on = false;
    await sender;
    const total = sent;
    expect(sentBeforeStop).toBeGreaterThan(10);
    expect(sentWhileDown).toBeGreaterThan(10);
    const results = await Promise.all(acks);
    expect(results.filter((ack) => !ack.ok)).toEqual([]);
    for (let n = 0; n < total; n++) {
      expect(await hal.next<{ description: { sdp: string } }>('call-renegotiate')).toMatchObject({
        from: gina.userId,
        description: { sdp: `v=0 seq=${n}` },
      });
      expect(await gina.next<{ state: { audio: boolean } }>('media-state')).toMatchObject({
        from: hal.userId,
        state: { audio: n % 2 === 0 },
      });
    }
    await sleep(200);
    expect(hal.received('call-renegotiate')).toHaveLength(total);
    expect(gina.received('media-state')).toHaveLength(total);
    // Every node's heartbeat went stale at once; none may take the other for dead because of
    // it (that would end this call after the grace period).
    await sleep(TIMINGS.deadAfterMs + TIMINGS.disconnectGraceMs + 500);
    expect(gina.received('end-call')).toEqual([]);
    await gina.send('call-renegotiate', renegotiation(hal, id, total));
    expect(await hal.next('call-renegotiate')).toMatchObject({
      description: { sdp: `v=0 seq=${total}` },
    });
    await hal.send('end-call', { to: gina.userId });
    expect(await gina.next('end-call')).toEqual({ from: hal.userId, callId: id });
    gina.socket.disconnect();
    hal.socket.disconnect();
  }, 15_000);

  it('a node killed mid-call: its client reconnects to the other node and the call goes on; a party that never returns is ended after the grace', async () => {
    // The balancer sends new connections to node A while it lives, then to node B.
    const balancer = await startTcpProxy([a.port, b.port]);
    try {
      const alice = await on(balancer, 'alice', {
        reconnection: true,
        reconnectionDelay: 100,
        reconnectionDelayMax: 200,
      });
      const bob = await on(b, 'bob');
      const id = await connectCall(alice, bob);
      const carol = await on(balancer, 'carol'); // no reconnect: as if her app quit with the node
      const dave = await on(b, 'dave');
      const lost = await connectCall(carol, dave);

      const reconnected = new Promise<void>((resolve) => {
        alice.socket.io.once('reconnect', () => {
          resolve();
        });
      });
      await a.kill();
      await reconnected;
      // As the app does on every reconnect: this new socket speaks for my side of the call.
      expect(await alice.send('call-resume', { to: bob.userId, callId: id })).toEqual({
        ok: true,
        callId: id,
      });
      await alice.send('call-renegotiate', renegotiation(bob, id, 1));
      expect(await bob.next('call-renegotiate')).toMatchObject({
        from: alice.userId,
        callId: id,
        description: { sdp: 'v=0 seq=1' },
      });
      await bob.send('call-renegotiate', renegotiation(alice, id, 2));
      expect(await alice.next('call-renegotiate')).toMatchObject({ from: bob.userId });

      // carol's node is gone and she is not coming back: node B counts her out and ends her call.
      expect(
        await dave.next('end-call', TIMINGS.deadAfterMs + TIMINGS.disconnectGraceMs + 2_000),
      ).toEqual({
        from: carol.userId,
        callId: lost,
      });
      // alice resumed within the grace: her call outlived the same clean-up.
      await sleep(TIMINGS.disconnectGraceMs);
      expect(bob.received('end-call')).toEqual([]);
      await bob.send('end-call', { to: alice.userId });
      expect(await alice.next('end-call')).toEqual({ from: bob.userId, callId: id });
      alice.socket.disconnect();
      bob.socket.disconnect();
      dave.socket.disconnect();
    } finally {
      await balancer.close();
    }
  }, 15_000);
});
