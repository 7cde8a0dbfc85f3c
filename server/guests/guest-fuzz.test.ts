/**
 * Fuzzing a guest's socket in a call: thousands of random events and payloads (every client
 * event, unknown ones, well-formed messages naming people and calls at random). The server keeps
 * serving, never fails internally, and a member outside the guest's meeting hears nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientEventNames, type Ack } from '../../shared/protocol/signaling.ts';
import { createMemoryRateLimiter } from '../auth/rate-limit.ts';
import { guestAtTheDoor } from '../testing/guests.ts';
import { fakeSdp, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf } from '../testing/seed-relay.ts';

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

let h: Harness;
let alice: Client;
let bob: Client;
let outsider: Client;
let guest: Client;
let callId: string;
let otherCall: string;
beforeAll(async () => {
  h = await startHarness(
    {},
    { messageLimiter: createMemoryRateLimiter({ capacity: 1e9, refillPerSecond: 1e9 }) },
  );
  for (const name of ['alice', 'bob', 'carol', 'erin']) await h.addUser(name, ['Team']);
  [alice, bob, outsider] = (await Promise.all(
    ['alice', 'bob', 'erin'].map((n) => h.connect(n)),
  )) as [Client, Client, Client];
  const carol = await h.connect('carol');
  ({ guest } = await guestAtTheDoor(h, alice, 'Pat'));
  await alice.send('guest-admit', { guestId: guest.userId });
  await guest.next('guest-admitted');
  callId = callIdOf(await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') }));
  await guest.next('call-offer');
  await guest.send('call-answer', { to: alice.userId, callId, answer: fakeSdp('answer') });
  await alice.next('call-answer');
  // Another call the guest is not in, between bob and carol.
  otherCall = callIdOf(await bob.send('call-offer', { to: carol.userId, offer: fakeSdp('offer') }));
  await carol.next('call-offer');
  await carol.send('call-answer', { to: bob.userId, callId: otherCall, answer: fakeSdp('answer') });
});
afterAll(async () => {
  await h.close();
});

function randomPayload(rand: () => number, ids: string[], calls: string[]): unknown {
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
  const shapes: (() => unknown)[] = [
    () => null,
    () => 'x'.repeat(Math.floor(rand() * 2_000)),
    () => rand() * 1e6,
    () => [pick(ids), pick(calls)],
    () => ({ __proto__: { polluted: true }, to: pick(ids) }),
    () => ({ to: pick(ids), callId: pick(calls), offer: fakeSdp('offer') }),
    () => ({ to: pick(ids), callId: pick(calls), answer: fakeSdp('answer') }),
    () => ({ to: pick(ids), callId: pick(calls), candidate: { candidate: 'candidate:1' } }),
    () => ({ to: pick(ids), callId: pick(calls), description: { type: 'offer', sdp: 'v=0' } }),
    () => ({
      to: pick(ids),
      callId: pick(calls),
      state: { audio: true, video: true, screen: false },
    }),
    () => ({ to: pick(ids), callId: pick(calls), state: 'started' }),
    () => ({ to: pick(ids), ...(rand() > 0.5 ? { callId: pick(calls) } : {}) }),
    () => ({ guestId: pick(ids) }),
    () => ({ token: alice.tokens.accessToken }),
  ];
  return pick(shapes)();
}

describe("fuzzing a guest's socket", () => {
  it('random events and payloads: no internal failure, nothing reaches a member outside the meeting, and the call still works', async () => {
    const rand = rng(20260415);
    // Everything but the guest's own hang-up, which would end the very call being fuzzed.
    const events = [...clientEventNames.filter((e) => e !== 'end-call'), 'nope', 'constructor'];
    const ids = [alice.userId, bob.userId, outsider.userId, guest.userId, 'guest-nobody', 'x'];
    const calls = [callId, otherCall, 'no-such-call-id', 'bad id!'];
    const acks: Ack[] = [];
    for (let i = 0; i < 2_000; i += 50) {
      const batch = Array.from({ length: 50 }, () => {
        const event = events[Math.floor(rand() * events.length)]!;
        return guest.send(event, randomPayload(rand, ids, calls));
      });
      acks.push(...(await Promise.all(batch)));
    }
    expect(acks).toHaveLength(2_000);
    const codes = new Set(acks.flatMap((ack) => (ack.ok ? [] : [ack.error.code])));
    expect(codes.has('internal')).toBe(false);
    expect(codes).toContain('not-allowed');
    expect(codes).toContain('invalid-payload');
    // The member outside the meeting heard nothing at all from the guest, or about them.
    const heard = [
      'call-offer',
      'call-answer',
      'ice-candidate',
      'call-decline',
      'end-call',
      'call-cancel',
      'call-renegotiate',
      'media-state',
      'recording-state',
      'call-invite',
      'call-participants',
      'guest-waiting',
      'guest-gone',
    ] as const;
    for (const event of heard) expect(outsider.received(event), event).toEqual([]);
    // bob, in another call, heard nothing from the guest either.
    for (const event of heard) {
      const fromGuest = (bob.received(event) as { from?: string }[]).filter(
        (p) => p.from === guest.userId,
      );
      expect(fromGuest, event).toEqual([]);
    }
    // The server still serves the guest's call.
    const state = { audio: false, video: false, screen: false };
    expect(await guest.send('media-state', { to: alice.userId, callId, state })).toEqual({
      ok: true,
      callId,
    });
    expect(await h.get('/api/me', alice.tokens.accessToken)).toMatchObject({ status: 200 });
  }, 60_000);
});
