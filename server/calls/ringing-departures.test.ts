/**
 * A callee who goes while their devices still ring: one device hangs up or declines (the others
 * stop ringing), or their only device drops (the caller is told at once, not at the ring
 * timeout). Real server, real sockets; the ring timeout is long so only the fix can explain a
 * prompt answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Participant } from '../../shared/protocol/signaling.ts';
import { fakeSdp, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

const RING_TIMEOUT_MS = 30_000;
/** Far inside the ring timeout: an event by then came from the departure, not the timer. */
const PROMPTLY_MS = 5_000;

let h: Harness;
let alice: Client;
let bob: Client;
beforeEach(async () => {
  h = await startHarness({ ringTimeoutMs: RING_TIMEOUT_MS, disconnectGraceMs: 300 });
  for (const name of ['alice', 'bob', 'carol']) await h.addUser(name, ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
});
afterEach(async () => {
  await h.close();
});

const ring = async (from: Client, to: Client): Promise<string> =>
  callId(await from.send('call-offer', { offer: fakeSdp('offer'), to: to.userId }));

describe('the callee ends a call that still rings on their other devices', () => {
  it('end-call from one device stops the others ringing, and the caller hears it', async () => {
    const bob2 = await h.connect('bob');
    const id = await ring(alice, bob);
    await bob.next('call-offer');
    await bob2.next('call-offer');
    expect(await bob.send('end-call', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await bob2.next('call-answered-elsewhere', PROMPTLY_MS)).toEqual({ callId: id });
    expect(await alice.next('end-call', PROMPTLY_MS)).toEqual({ from: bob.userId, callId: id });
  });

  it('a seed client (no call id) hanging up on one device stops the others too', async () => {
    const bob2 = await h.connect('bob');
    const id = await ring(alice, bob);
    await bob2.next('call-offer');
    bob.socket.emit('end-call', { to: alice.userId });
    expect(await bob2.next('call-answered-elsewhere', PROMPTLY_MS)).toEqual({ callId: id });
  });

  it('call-decline from one device stops the others ringing', async () => {
    const bob2 = await h.connect('bob');
    const id = await ring(alice, bob);
    await bob2.next('call-offer');
    await bob.send('call-decline', { to: alice.userId, callId: id });
    expect(await bob2.next('call-answered-elsewhere', PROMPTLY_MS)).toEqual({ callId: id });
    expect(await alice.next('call-decline', PROMPTLY_MS)).toEqual({ from: bob.userId, callId: id });
  });
});

describe("the callee's only device drops while it rings", () => {
  it('the caller is told at once as a missed call, and both are free again', async () => {
    const id = await ring(alice, bob);
    await bob.next('call-offer');
    bob.socket.disconnect();
    expect(await alice.next('call-missed', PROMPTLY_MS)).toEqual({ callId: id, peer: bob.userId });
    // The call is gone: alice may ring again, and bob (back online) rings.
    const back = await h.connect('bob');
    const again = await ring(alice, back);
    expect(again).not.toBe(id);
    expect(await back.next('call-offer')).toMatchObject({ callId: again, from: alice.userId });
  });

  it('one of two devices dropping keeps the call ringing on the other', async () => {
    const bob2 = await h.connect('bob');
    const id = await ring(alice, bob);
    await bob2.next('call-offer');
    bob.socket.disconnect();
    // bob2 still rings and can answer.
    expect(
      await bob2.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id }),
    ).toEqual({ ok: true, callId: id });
    expect(await alice.next('call-answer')).toMatchObject({ from: bob.userId, callId: id });
    expect(alice.received('call-missed')).toEqual([]);
  });

  it('a meeting invitee whose only device drops is missed for the inviter; the meeting goes on', async () => {
    const id = await ring(alice, bob);
    await bob.next('call-offer');
    await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id });
    await alice.next('call-answer');
    const carol = await h.connect('carol');
    expect(await alice.send('call-invite', { to: carol.userId, callId: id })).toMatchObject({
      ok: true,
    });
    await carol.next('call-invite');
    carol.socket.disconnect();
    expect(await alice.next('call-missed', PROMPTLY_MS)).toEqual({
      callId: id,
      peer: carol.userId,
    });
    // Only alice and bob remain, both joined.
    for (;;) {
      const { participants } = await alice.next<{ participants: Participant[] }>(
        'call-participants',
        PROMPTLY_MS,
      );
      if (participants.length === 2) {
        expect(participants.map((p) => p.state)).toEqual(['joined', 'joined']);
        break;
      }
    }
    expect(bob.received('end-call')).toEqual([]);
  });
});
