/**
 * Calls in Redis expire unless a node that holds them keeps them fresh: two server processes,
 * one real redis-server, a short call TTL and a reconnect grace far longer than the test, so
 * that only the TTL can end what a crashed node left behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../testing/cluster-nodes.ts';
import { fakeSdp, sleep, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.ts';

const TIMINGS = {
  callTtlMs: 2_000,
  disconnectGraceMs: 60_000,
  ringTimeoutMs: 60_000,
  heartbeatMs: 200,
  deadAfterMs: 800,
  timerPollMs: 50,
};

let redis: RedisProcess;
let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startTestCluster({
    users: ['alice', 'bob', 'carol', 'dave', 'erin'],
    redisUrl: redis.url,
    timings: TIMINGS,
    nodes: [{}, {}],
  });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
});

afterEach(() => {
  cluster.disconnectAll();
});

afterAll(async () => {
  await cluster.close();
  await redis.close();
});

/** `caller` calls `callee`, who answers; returns the call id. */
async function connectCall(caller: Client, callee: Client): Promise<string> {
  const id = callId(
    await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId }),
  );
  await callee.next('call-offer');
  await callee.send('call-answer', { answer: fakeSdp('answer'), to: caller.userId });
  await caller.next('call-answer');
  return id;
}

/**
 * `caller` rings `callee`: the call id if it rang; 'busy' if either is in a call already (the
 * caller's offer refused, or the callee busy).
 */
async function ring(caller: Client, callee: Client): Promise<string> {
  const ack = await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId });
  if (!ack.ok && ack.error.code === 'caller-busy') return 'busy';
  const id = callId(ack);
  const names = (events: unknown[]) => events.some((e) => (e as { callId: string }).callId === id);
  // Read from what arrived (not next()): the event that does not come must leave no waiter.
  for (let waited = 0; waited < 3_000; waited += 20) {
    if (names(caller.received('call-busy'))) return 'busy';
    if (names(callee.received('call-offer'))) return id;
    await sleep(20);
  }
  throw new Error(`call ${id} neither rang nor was busy`);
}

describe('call records in Redis expire unless kept fresh', () => {
  it('a call in progress outlives many TTLs: the node holding it keeps refreshing it', async () => {
    const alice = await cluster.on(b.url, 'alice');
    const bob = await cluster.on(b.url, 'bob');
    const id = await connectCall(alice, bob);
    await sleep(3 * TIMINGS.callTtlMs);
    // Still a call: bob is busy for someone on the other node, and its messages still pass.
    const erin = await cluster.on(a.url, 'erin');
    expect(await ring(erin, bob)).toBe('busy');
    await alice.send('call-renegotiate', {
      to: bob.userId,
      callId: id,
      description: { type: 'offer', sdp: 'v=0 later' },
    });
    expect(await bob.next('call-renegotiate')).toMatchObject({ from: alice.userId, callId: id });
    await bob.send('end-call', { to: alice.userId });
    expect(await alice.next('end-call')).toEqual({ from: bob.userId, callId: id });
  }, 20_000);

  it('a node killed mid-call: once the TTL has passed, both of its callers can call again', async () => {
    const carol = await cluster.on(a.url, 'carol');
    const dave = await cluster.on(a.url, 'dave');
    await connectCall(carol, dave);
    // Their other devices, on the live node, signed in beforehand: a sign-in takes long enough
    // on a loaded machine for the 2 s TTL to pass before the first ring.
    const carolAgain = await cluster.on(b.url, 'carol');
    const daveAgain = await cluster.on(b.url, 'dave');
    const erin = await cluster.on(b.url, 'erin');
    await a.kill();
    // The record the dead node left still makes them busy, until it expires.
    expect(await ring(carolAgain, erin)).toBe('busy');
    expect(await ring(erin, daveAgain)).toBe('busy');
    // Nothing else would free them for the minute of grace: the TTL does.
    await sleep(TIMINGS.deadAfterMs + TIMINGS.callTtlMs + 1_000);
    const id = await ring(carolAgain, daveAgain);
    expect(id).not.toBe('busy');
    expect(
      await daveAgain.send('call-answer', { answer: fakeSdp('answer'), to: carol.userId }),
    ).toEqual({ ok: true, callId: id });
    await carolAgain.next('call-answer');
  }, 20_000);
});
