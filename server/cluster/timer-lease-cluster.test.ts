/**
 * A call timer survives the node that took it: two server processes over one real
 * redis-server; node A claims a ring-timeout job and dies before running it (it is made to
 * stall there, then killed); node B runs the job once its lease is over, and the caller and the
 * callee both hear that the call was missed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../testing/cluster-nodes.ts';
import { fakeSdp, sleep } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.ts';

const TIMINGS = {
  ringTimeoutMs: 1_000,
  timerLeaseMs: 1_000,
  timerPollMs: 50,
  heartbeatMs: 200,
  // Node B is frozen for a moment below; node A must not take it for dead meanwhile.
  deadAfterMs: 5_000,
};

let redis: RedisProcess;
let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startTestCluster({
    users: ['alice', 'bob'],
    redisUrl: redis.url,
    timings: TIMINGS,
    // Node A takes ring-timeout jobs and hangs instead of running them.
    nodes: [{ RR_TEST_STALL_TIMERS: 'ring' }, {}],
  });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
});

afterAll(async () => {
  b.process.kill('SIGCONT');
  await cluster.close();
  await redis.close();
});

async function untilPrinted(node: ClusterNode, text: string, timeoutMs = 5_000): Promise<void> {
  for (let waited = 0; !node.output().includes(text); waited += 20) {
    if (waited > timeoutMs) throw new Error(`node never printed "${text}"`);
    await sleep(20);
  }
}

describe('call timers across a node crash', () => {
  it('a node killed after claiming a ring timeout: the other node still tells both parties the call was missed', async () => {
    const alice = await cluster.on(b.url, 'alice');
    const bob = await cluster.on(b.url, 'bob');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    // Node B sleeps through the ring timeout, so node A is the one to claim the job…
    b.process.kill('SIGSTOP');
    try {
      await untilPrinted(a, `stalled ring:${id}:${bob.userId}`);
      // …and dies holding it.
      await a.kill();
    } finally {
      b.process.kill('SIGCONT');
    }
    expect(await bob.next('call-missed', 5_000)).toEqual({ callId: id, peer: alice.userId });
    expect(await alice.next('call-missed', 5_000)).toEqual({ callId: id, peer: bob.userId });
    // The call is gone: bob can call alice.
    const again = callId(
      await bob.send('call-offer', { offer: fakeSdp('offer'), to: alice.userId }),
    );
    expect(await alice.next('call-offer')).toMatchObject({ from: bob.userId, callId: again });
  }, 20_000);
});
