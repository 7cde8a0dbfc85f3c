/**
 * What a socket sends while Redis is away waits on its node, in order, but only so much of it:
 * past the bound, each new message is refused at once with an ack the sender can act on, and a
 * warning is logged; what was accepted still goes out, in order, once Redis is back. A real
 * redis-server stopped mid-call, a real server on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../shared/protocol/signaling.ts';
import type { Logger } from '../log.ts';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';
import { connectRedisState } from './redis-state.ts';
import type { SharedState } from '../shared-state.ts';

const QUEUE = 8;
const SENT = QUEUE + 6;

let redis: RedisProcess;
let state: SharedState;
let h: Harness;
let down = false;
const logged: { event: string; fields: Record<string, unknown> }[] = [];
const log: Logger = (event, fields = {}) => {
  logged.push({ event, fields });
};
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  cleanup.push(() => redis.close());
  // A test that failed while Redis was down: bring it back, so the server can close.
  cleanup.push(() => (down ? redis.start() : undefined));
  state = await connectRedisState(
    { url: redis.url, heartbeatMs: 200, deadAfterMs: 5_000, timerPollMs: 50 },
    log,
  );
  cleanup.push(() => state.close());
  h = await startHarness({ socketQueueLimit: QUEUE }, { state, log });
  cleanup.push(() => h.close());
  await h.addUser('gina', ['Team']);
  await h.addUser('hal', ['Team']);
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

const renegotiation = (to: Client, id: string, n: number) => ({
  to: to.userId,
  callId: id,
  description: { type: 'offer', sdp: `v=0 seq=${n}` },
});

describe('a Redis outage mid-call', () => {
  it('holds at most the bound per socket, refuses the rest at once, and delivers what it held, in order', async () => {
    const gina = await h.connect('gina');
    const hal = await h.connect('hal');
    const id = callId(await gina.send('call-offer', { offer: fakeSdp('offer'), to: hal.userId }));
    await hal.next('call-offer');
    await hal.send('call-answer', { answer: fakeSdp('answer'), to: gina.userId, callId: id });
    await gina.next('call-answer');

    await redis.stop();
    down = true;
    await sleep(200); // the node's client has seen the connection go
    const acks: (Ack | 'pending')[] = Array.from({ length: SENT }, () => 'pending');
    const all = Array.from({ length: SENT }, (_, n) =>
      gina.send('call-renegotiate', renegotiation(hal, id, n)).then((ack) => {
        acks[n] = ack;
        return ack;
      }),
    );
    // While Redis is still down, the sender hears about every message past the bound.
    for (
      let waited = 0;
      waited < 3_000 && acks.filter((a) => a !== 'pending').length < SENT - QUEUE;
      waited += 50
    ) {
      await sleep(50);
    }
    const refused = acks.slice(QUEUE);
    expect(refused).toEqual(
      Array.from({ length: SENT - QUEUE }, () => ({
        ok: false,
        error: { code: 'server-busy', message: expect.stringMatching(/not sent/) as string },
      })),
    );
    expect(acks.slice(0, QUEUE).every((a) => a === 'pending')).toBe(true);
    expect(hal.received('call-renegotiate')).toEqual([]);
    expect(logged.map((l) => l.event)).toContain('socket.queue-full');
    // A warning per outage, not per refused message.
    expect(logged.filter((l) => l.event === 'socket.queue-full')).toHaveLength(1);

    await redis.start();
    down = false;
    const results = await Promise.all(all);
    expect(results.slice(0, QUEUE)).toEqual(
      Array.from({ length: QUEUE }, () => ({ ok: true, callId: id })),
    );
    for (let n = 0; n < QUEUE; n++) {
      expect(await hal.next('call-renegotiate', 5_000)).toMatchObject({
        from: gina.userId,
        description: { sdp: `v=0 seq=${n}` },
      });
    }
    await sleep(200);
    expect(hal.received('call-renegotiate')).toHaveLength(QUEUE);
    // The socket is not stuck: the next message goes through.
    expect(await gina.send('call-renegotiate', renegotiation(hal, id, SENT))).toEqual({
      ok: true,
      callId: id,
    });
    expect(await hal.next('call-renegotiate')).toMatchObject({
      description: { sdp: `v=0 seq=${SENT}` },
    });
  }, 20_000);
});
