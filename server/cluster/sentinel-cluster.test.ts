/**
 * `--redis-sentinel`: two server processes follow a Sentinel failover mid-call. A real master,
 * its replica and three sentinels (Debian's redis-server and redis-sentinel, quorum 2); the
 * master is killed while one party of a call keeps sending to the other, a sentinel promotes
 * the replica, and the call goes on: every message sent meanwhile either reaches the other
 * party, in order, or is refused to its sender with an error; none vanishes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { silentLogger } from '../log.ts';
import type { ClusterNode } from '../testing/cluster-nodes.ts';
import { fakeSdp, sleep, type Client } from '../testing/harness.ts';
import { startSentinelSetup, type SentinelSetup } from '../testing/redis-sentinel.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';
import { startTestCluster, type TestCluster } from '../testing/test-cluster.ts';
import { connectSentinel } from './redis-sentinel-client.ts';

const TIMINGS = { heartbeatMs: 200, deadAfterMs: 5_000, timerPollMs: 50 };

let setup: SentinelSetup;
let cluster: TestCluster;
let a: ClusterNode;
let b: ClusterNode;

beforeAll(async () => {
  setup = await startSentinelSetup();
  cluster = await startTestCluster({
    users: ['alice', 'bob', 'carol'],
    sentinel: setup,
    timings: TIMINGS,
    nodes: [{}, {}],
  });
  [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
}, 60_000);

afterAll(async () => {
  // The Redis and Sentinel processes go even if the nodes do not close cleanly: left running,
  // they keep the test run from ending.
  try {
    await cluster.close();
  } finally {
    await setup.close();
  }
}, 60_000);

/** Sends and waits for the ack longer than a failover takes (the harness gives up at 5 s). */
const send = (client: Client, event: string, payload: unknown) =>
  client.socket.timeout(30_000).emitWithAck(event, payload) as Promise<Ack>;

describe('a Redis Sentinel failover mid-call', () => {
  it('a node that cannot find the master through the sentinels says so, without the password', async () => {
    const attempt = connectSentinel(
      {
        nodes: [{ host: '127.0.0.1', port: Number(setup.sentinels.split(':').at(-1)) }],
        masterName: 'no-such-master',
        password: setup.password,
      },
      silentLogger,
      1_500,
    );
    await expect(attempt).rejects.toThrow(
      /^cannot reach the Redis master "no-such-master" through the sentinels \(--redis-sentinel\) within 1\.5 s/,
    );
    await expect(attempt).rejects.not.toThrow(setup.password);
  });

  it('the master killed, the replica promoted: the call goes on and no message is lost', async () => {
    const alice = await cluster.on(a.url, 'alice');
    const bob = await cluster.on(b.url, 'bob');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId });
    await alice.next('call-answer');

    // alice renegotiates to bob every 20 ms, numbered; bob notes what arrives, and when.
    const arrived: { seq: number; at: number }[] = [];
    bob.socket.on('call-renegotiate', (event: { description: { sdp: string } }) => {
      arrived.push({ seq: Number(event.description.sdp.split('seq=')[1]), at: Date.now() });
    });
    const sent: { seq: number; at: number; ack: Promise<Ack> }[] = [];
    const sending = { on: true };
    const sender = (async () => {
      for (let seq = 0; sending.on; seq++) {
        const description = { type: 'offer', sdp: `v=0 seq=${seq}` };
        const ack = send(alice, 'call-renegotiate', { to: bob.userId, callId: id, description });
        sent.push({ seq, at: Date.now(), ack });
        await sleep(20);
      }
    })();

    await sleep(500);
    const killedAt = Date.now();
    await setup.master.kill();
    await setup.waitForMaster(setup.replica.port);
    // Until a message sent after the kill has arrived, then a little more.
    for (let waited = 0; !arrived.some(({ seq }) => (sent[seq]?.at ?? 0) > killedAt);) {
      if ((waited += 50) > 20_000) throw new Error('no message flowed after the failover');
      await sleep(50);
    }
    const flowing = arrived.find(({ seq }) => (sent[seq]?.at ?? 0) > killedAt);
    await sleep(500);
    sending.on = false;
    await sender;

    const acks = await Promise.all(sent.map((m) => m.ack));
    const delivered = sent.filter((_, i) => acks[i]?.ok).map((m) => m.seq);
    const refused = acks.filter((ack) => !ack.ok);
    // A refused message told its sender why; every accepted one arrives, once, in order.
    for (const ack of refused)
      expect(ack).toMatchObject({ ok: false, error: { code: expect.any(String) as string } });
    for (let waited = 0; arrived.length < delivered.length && waited < 5_000; waited += 50) {
      await sleep(50);
    }
    expect(arrived.map((m) => m.seq)).toEqual(delivered);
    expect(delivered.length).toBeGreaterThan(sent.length / 2);
    console.log(
      `sentinel failover: master killed → first message through ${(flowing?.at ?? 0) - killedAt} ms; ` +
        `${sent.length} sent, ${delivered.length} delivered, ${refused.length} refused`,
    );

    // Both parties are still in the call, per the server: carol finds bob busy, and the call's
    // messages pass both ways.
    const carol = await cluster.on(a.url, 'carol');
    const carolCall = callId(
      await carol.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }),
    );
    expect(await carol.next('call-busy')).toEqual({ from: bob.userId, callId: carolCall });
    const candidate = { candidate: 'candidate:9 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    expect(await bob.send('ice-candidate', { candidate, to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await alice.next('ice-candidate')).toMatchObject({ from: bob.userId, callId: id });
    await alice.send('end-call', { to: bob.userId, callId: id });
    expect(await bob.next('end-call')).toEqual({ from: alice.userId, callId: id });
  }, 90_000);
});
