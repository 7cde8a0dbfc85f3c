import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { MAX_PARTICIPANTS, clientEventNames, type Ack } from '../../shared/protocol/signaling.ts';
import { createMemoryRateLimiter } from '../auth/rate-limit.ts';
import { fakeSdp, startHarness, type Client, type Harness } from '../testing/harness.ts';

/** A small seeded PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomValue(rand: () => number, depth = 0, ids: string[] = []): unknown {
  const pick = Math.floor(rand() * 14);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return rand() * 1e9 - 5e8;
    case 3:
      return rand() > 0.5;
    case 4:
      return 'x'.repeat(Math.floor(rand() * 5_000));
    case 5:
      return ids[Math.floor(rand() * ids.length)] ?? 'u';
    case 6:
      return String.fromCharCode(...Array.from({ length: 20 }, () => Math.floor(rand() * 0xffff)));
    case 7:
      return depth > 3
        ? []
        : Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1, ids));
    case 8:
      return { type: 'offer', sdp: rand() > 0.5 ? 5 : rand() > 0.5 ? 'v=0' : 'v'.repeat(33_000) };
    case 9:
      return { candidate: rand() > 0.5 ? {} : 'c', sdpMLineIndex: -1 };
    case 10:
      return { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } };
    case 11:
      return NaN;
    default: {
      if (depth > 3) return {};
      const keys = [
        'to',
        'from',
        'callId',
        'offer',
        'answer',
        'candidate',
        'description',
        'state',
        'token',
        'zzz',
      ];
      const out: Record<string, unknown> = {};
      for (const key of keys) if (rand() > 0.5) out[key] = randomValue(rand, depth + 1, ids);
      return out;
    }
  }
}

let h: Harness;
let alice: Client;
let bob: Client;
beforeAll(async () => {
  // A generous message budget, so every fuzz message reaches validation rather than the limiter.
  h = await startHarness(
    {},
    { messageLimiter: createMemoryRateLimiter({ capacity: 1e9, refillPerSecond: 1e9 }) },
  );
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
});
afterAll(async () => {
  await h.close();
});

describe('fuzzing every client event', () => {
  it('answers thousands of malformed payloads with errors, relays none, and keeps serving', async () => {
    const rand = rng(20261124);
    const events = [...clientEventNames, 'not-an-event', '__proto__', 'constructor'];
    const total = 3_000;
    const acks: Ack[] = [];
    for (let i = 0; i < total; i += 50) {
      const batch = Array.from({ length: 50 }, () => {
        const event = events[Math.floor(rand() * events.length)]!;
        let payload = randomValue(rand, 0, [bob.userId, alice.userId]);
        // Keep under Socket.io's packet limit here; oversized packets are tested below.
        if (((JSON.stringify(payload) as string | undefined) ?? '').length > 60_000)
          payload = { to: 'oversized' };
        return alice.send(event, payload);
      });
      acks.push(...(await Promise.all(batch)));
    }
    expect(acks).toHaveLength(total);
    const failures = acks.filter((ack) => !ack.ok);
    const codes = new Set(failures.map((ack) => ack.error.code));
    // Random payloads almost never form a valid message; the few that do are legitimately accepted.
    expect(failures.length).toBeGreaterThan(total * 0.95);
    expect(codes.has('internal')).toBe(false);
    expect([...codes].sort()).toEqual(expect.arrayContaining(['invalid-payload', 'unknown-event']));
    expect(bob.received('call-answer')).toEqual([]);

    // Oversized packets are dropped by Socket.io itself (the sender is disconnected), not parsed.
    const huge = await h.connect('alice');
    const closed = new Promise<string>((resolve) => huge.socket.once('disconnect', resolve));
    huge.socket.emit('call-offer', {
      offer: { type: 'offer', sdp: 'x'.repeat(200_000) },
      to: bob.userId,
    });
    expect(await closed).toBe('transport close');

    // The server still serves real calls afterwards.
    const fresh = await h.connect('alice');
    const ack = await fresh.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId });
    expect(ack).toMatchObject({ ok: true });
    expect((await bob.next<{ from: string }>('call-offer')).from).toBe(fresh.userId);
    expect((await h.get('/api/me', fresh.tokens.accessToken)).status).toBe(200);
  }, 60_000);

  it('call-invite and call-join: well-formed but wrong payloads from members and strangers never invite a stranger, overfill a call or break it', async () => {
    const rand = rng(20260530);
    await h.addUser('carol', ['Team']);
    await h.addUser('dave', ['Team']);
    await h.addUser('mallory', ['Elsewhere']);
    const [a, b, carol, dave, mallory] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave', 'mallory'].map((name) => h.connect(name)),
    );
    const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
    // carol and dave are in a call (alice and bob may still ring from the test above).
    const id = (await carol!.send('call-offer', { offer: fakeSdp('offer'), to: dave!.userId })) as {
      callId: string;
    };
    await dave!.next('call-offer');
    await dave!.send('call-answer', {
      answer: fakeSdp('answer'),
      to: carol!.userId,
      callId: id.callId,
    });
    const people = [a!, b!, carol!, dave!, mallory!];
    const callIds = [id.callId, randomUUID(), 'short', 'not a valid id!'];
    const acks: Ack[] = [];
    for (let i = 0; i < 600; i++) {
      const from = pick(people);
      const event = pick(['call-invite', 'call-join']);
      const to: unknown = pick([...people.map((p) => p.userId), 'nobody', 42, null]);
      // Now and then one of the two is missing.
      const payload = pick([{ to, callId: pick(callIds) }, { to }, { callId: pick(callIds) }]);
      acks.push(await from.send(event, payload));
    }
    const codes = new Set(acks.flatMap((ack) => (ack.ok ? [] : [ack.error.code])));
    expect(codes.has('internal')).toBe(false);
    // Some were right by chance (carol or dave ringing a circle-mate in, who joins).
    expect(acks.some((ack) => ack.ok)).toBe(true);
    expect(codes).toContain('invalid-payload');
    expect(codes).toContain('not-in-call');
    // mallory shares no circle with anyone: nobody could invite her, and she reached nobody.
    expect(mallory!.received('call-invite')).toEqual([]);
    for (const p of people) {
      for (const list of p.received('call-participants') as {
        participants: { userId: string }[];
      }[]) {
        const ids = list.participants.map((x) => x.userId);
        expect(ids.length).toBeLessThanOrEqual(MAX_PARTICIPANTS);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).not.toContain(mallory!.userId);
      }
    }
    // The call between carol and dave still carries its messages.
    await carol!.send('call-renegotiate', {
      to: dave!.userId,
      callId: id.callId,
      description: fakeSdp('offer'),
    });
    expect(await dave!.next('call-renegotiate')).toMatchObject({
      from: carol!.userId,
      callId: id.callId,
    });
    for (const p of people) p.socket.disconnect();
  }, 60_000);

  it('rate-limits a flooding socket with an error answer', async () => {
    const limited = await startHarness(
      {},
      { messageLimiter: createMemoryRateLimiter({ capacity: 20, refillPerSecond: 1 }) },
    );
    await limited.addUser('eve', ['X']);
    const eve = await limited.connect('eve');
    const acks = await Promise.all(
      Array.from({ length: 40 }, () => eve.send('end-call', { to: 'someone' })),
    );
    const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
    expect(codes.filter((c) => c === 'rate-limited').length).toBeGreaterThanOrEqual(19);
    await limited.close();
  });
});
