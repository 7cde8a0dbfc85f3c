/**
 * The lobby on the real server (real SQLite, real sockets): a guest waits, the advisor admits
 * and calls them or turns them away, a full meeting refuses them, a withdrawn link sends its
 * waiting guests away, and nothing is lost when the advisor's app or the guest's page comes back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUEST_REFUSAL_MESSAGES } from '../../shared/protocol/guest.ts';
import type { Participant } from '../../shared/protocol/signaling.ts';
import { connectGuest, guestAtTheDoor, knock, makeGuestLink } from '../testing/guests.ts';
import { fakeSdp, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf } from '../testing/seed-relay.ts';

let h: Harness;
let alice: Client;
let bob: Client;
beforeEach(async () => {
  h = await startHarness();
  for (const name of ['alice', 'bob', 'carol', 'dave']) await h.addUser(name, ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
});
afterEach(async () => {
  await h.close();
});

const closed = (client: Client) =>
  new Promise<string>((resolve) => {
    if (client.socket.disconnected) resolve('io server disconnect');
    client.socket.once('disconnect', resolve);
  });

const refusal = (reason: keyof typeof GUEST_REFUSAL_MESSAGES) => ({
  reason,
  message: GUEST_REFUSAL_MESSAGES[reason],
});

/** `advisor` admits `guest`, calls them, and they answer; returns the call id. */
async function admitAndCall(advisor: Client, guest: Client): Promise<string> {
  expect(await advisor.send('guest-admit', { guestId: guest.userId })).toEqual({ ok: true });
  await guest.next('guest-admitted');
  expect(await advisor.next('guest-gone')).toEqual({ guestId: guest.userId });
  const id = callIdOf(
    await advisor.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') }),
  );
  await guest.next('call-offer');
  await guest.send('call-answer', { to: advisor.userId, callId: id, answer: fakeSdp('answer') });
  await advisor.next('call-answer');
  return id;
}

describe('a guest in the lobby', () => {
  it('waits, is admitted, is called by the advisor, answers, and the two exchange a call messages', async () => {
    const { guest, knocked } = await guestAtTheDoor(h, alice, 'Pat Guest');
    expect(alice.received('guest-waiting')).toEqual([
      { guestId: knocked.guestId, name: 'Pat Guest' },
    ]);
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toEqual({ ok: true });
    expect(await guest.next('guest-admitted')).toEqual({
      advisorId: alice.userId,
      advisorName: 'Alice Tester',
    });
    expect(await alice.next('guest-gone')).toEqual({ guestId: guest.userId });

    const ack = await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') });
    const id = callIdOf(ack);
    expect(await guest.next('call-offer')).toEqual({
      from: alice.userId,
      fromName: 'Alice Tester',
      callId: id,
      offer: fakeSdp('offer'),
    });
    expect(
      await guest.send('call-answer', { to: alice.userId, callId: id, answer: fakeSdp('answer') }),
    ).toEqual({ ok: true, callId: id });
    expect(await alice.next('call-answer')).toEqual({
      from: guest.userId,
      callId: id,
      answer: fakeSdp('answer'),
    });
    const { participants } = await alice.next<{ participants: Participant[] }>('call-participants');
    expect(participants).toEqual(
      expect.arrayContaining([
        {
          userId: alice.userId,
          displayName: 'Alice Tester',
          state: 'joined',
          joinedAt: expect.any(Number),
        },
        {
          userId: guest.userId,
          displayName: 'Pat Guest',
          state: 'joined',
          joinedAt: expect.any(Number),
          guest: true,
        },
      ]),
    );

    const candidate = { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMLineIndex: 0 };
    await guest.send('ice-candidate', { to: alice.userId, callId: id, candidate });
    expect(await alice.next('ice-candidate')).toEqual({
      from: guest.userId,
      callId: id,
      candidate,
    });
    await alice.send('ice-candidate', { to: guest.userId, callId: id, candidate });
    expect(await guest.next('ice-candidate')).toEqual({
      from: alice.userId,
      callId: id,
      candidate,
    });
    const description = { type: 'offer', sdp: 'v=0 guest' };
    await guest.send('call-renegotiate', { to: alice.userId, callId: id, description });
    expect(await alice.next('call-renegotiate')).toEqual({
      from: guest.userId,
      callId: id,
      description,
    });
    const state = { audio: true, video: false, screen: false };
    await guest.send('media-state', { to: alice.userId, callId: id, state });
    expect(await alice.next('media-state')).toEqual({ from: guest.userId, callId: id, state });
    await guest.send('end-call', { to: alice.userId, callId: id });
    expect(await alice.next('end-call')).toEqual({ from: guest.userId, callId: id });

    // A guest hears no presence and is never announced; bob, alice's circle-mate, heard nothing.
    expect(guest.received('presence-snapshot')).toEqual([]);
    expect(guest.received('presence')).toEqual([]);
    const heard = bob.received('presence') as { userId: string }[];
    expect(heard.filter((p) => p.userId === guest.userId)).toEqual([]);
    expect(bob.received('guest-waiting')).toEqual([]);
    expect(bob.received('call-renegotiate')).toEqual([]);
  });

  it('turned away: the guest is told and disconnected, and the same token cannot knock again', async () => {
    const { guest, knocked } = await guestAtTheDoor(h, alice, 'Pat');
    const gone = closed(guest);
    expect(await alice.send('guest-deny', { guestId: guest.userId })).toEqual({ ok: true });
    expect(await guest.next('guest-refused')).toEqual(refusal('denied'));
    expect(await gone).toBe('io server disconnect');
    expect(await alice.next('guest-gone')).toEqual({ guestId: guest.userId });
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed', message: 'That guest is not waiting to join you.' },
    });

    const again = await connectGuest(h, knocked);
    const goneAgain = closed(again);
    expect(await again.next('guest-refused')).toEqual(refusal('denied'));
    expect(await goneAgain).toBe('io server disconnect');
    expect(alice.received('guest-waiting')).toHaveLength(1);
  });

  it('a full meeting (ringing included) refuses the admission and tells the guest', async () => {
    const [carol, dave] = await Promise.all([h.connect('carol'), h.connect('dave')]);
    const id = callIdOf(
      await alice.send('call-offer', { to: bob.userId, offer: fakeSdp('offer') }),
    );
    await bob.next('call-offer');
    await bob.send('call-answer', { to: alice.userId, callId: id, answer: fakeSdp('answer') });
    await alice.send('call-invite', { to: carol.userId, callId: id });
    await carol.send('call-join', { to: alice.userId, callId: id });
    await alice.send('call-invite', { to: dave.userId, callId: id }); // dave rings
    const { guest } = await guestAtTheDoor(h, alice, 'Pat');
    const gone = closed(guest);
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toEqual({
      ok: false,
      error: {
        code: 'meeting-full',
        message: 'Your meeting is full (4 people), so Pat was told to try again later.',
      },
    });
    expect(await guest.next('guest-refused')).toEqual(refusal('meeting-full'));
    expect(await gone).toBe('io server disconnect');
    expect(await alice.next('guest-gone')).toEqual({ guestId: guest.userId });
    expect(guest.received('guest-admitted')).toEqual([]);
  });

  it('only the advisor the guest knocked for decides, and only while they wait', async () => {
    const { guest } = await guestAtTheDoor(h, alice, 'Pat');
    const notWaiting = {
      ok: false,
      error: { code: 'not-allowed', message: 'That guest is not waiting to join you.' },
    };
    expect(await bob.send('guest-admit', { guestId: guest.userId })).toEqual(notWaiting);
    expect(await bob.send('guest-deny', { guestId: guest.userId })).toEqual(notWaiting);
    expect(await alice.send('guest-admit', { guestId: 'guest-nobody' })).toEqual(notWaiting);
    expect(await alice.send('guest-admit', { guestId: bob.userId })).toEqual(notWaiting);
    expect(await alice.send('guest-admit', { guestId: 'not valid!' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(guest.received('guest-admitted')).toEqual([]);
    expect(guest.received('guest-refused')).toEqual([]);
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toEqual({ ok: true });
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toEqual(notWaiting);
    expect(await alice.send('guest-deny', { guestId: guest.userId })).toEqual(notWaiting);
  });

  it('a withdrawn link sends its waiting guests away; guests of other links and admitted ones stay', async () => {
    const first = await guestAtTheDoor(h, alice, 'Pat');
    const second = await connectGuest(h, await knock(h, first.link.token, 'Sam'), 'Sam');
    await alice.next('guest-waiting');
    const other = await guestAtTheDoor(h, alice, 'Lee');
    const inCall = await guestAtTheDoor(h, alice, 'Kim');
    const id = await admitAndCall(alice, inCall.guest);

    const closing = [closed(first.guest), closed(second)];
    expect(
      (await h.del(`/api/guest-links/${first.link.id}`, alice.tokens.accessToken)).status,
    ).toBe(204);
    expect(await first.guest.next('guest-refused')).toEqual(refusal('link-revoked'));
    expect(await second.next('guest-refused')).toEqual(refusal('link-revoked'));
    expect(await Promise.all(closing)).toEqual(['io server disconnect', 'io server disconnect']);
    const gone = [await alice.next('guest-gone'), await alice.next('guest-gone')];
    expect(gone).toEqual(
      expect.arrayContaining([{ guestId: first.guest.userId }, { guestId: second.userId }]),
    );

    // The admitted guest's link withdrawn: they stay in their call.
    expect(
      (await h.del(`/api/guest-links/${inCall.link.id}`, alice.tokens.accessToken)).status,
    ).toBe(204);
    await alice.send('media-state', {
      to: inCall.guest.userId,
      callId: id,
      state: { audio: false, video: true, screen: false },
    });
    expect(await inCall.guest.next('media-state')).toMatchObject({ from: alice.userId });
    expect(inCall.guest.received('guest-refused')).toEqual([]);
    expect(other.guest.received('guest-refused')).toEqual([]);
    expect(await alice.send('guest-admit', { guestId: other.guest.userId })).toEqual({ ok: true });

    // A new connection through a withdrawn link is turned away at once.
    const late = await connectGuest(h, first.knocked);
    expect(await late.next('guest-refused')).toEqual(refusal('link-revoked'));
  });
});

describe('coming back', () => {
  it('the advisor app restarting hears of every guest still waiting, on each device', async () => {
    alice.socket.disconnect();
    const link = await makeGuestLink(h, (await h.login('alice')).accessToken);
    const pat = await connectGuest(h, await knock(h, link.token, 'Pat'));
    const sam = await connectGuest(h, await knock(h, link.token, 'Sam'));
    const laptop = await h.connect('alice');
    const phone = await h.connect('alice');
    for (const device of [laptop, phone]) {
      const heard = [await device.next('guest-waiting'), await device.next('guest-waiting')];
      expect(heard).toEqual([
        { guestId: pat.userId, name: 'Pat' },
        { guestId: sam.userId, name: 'Sam' },
      ]);
    }
  });

  it('a waiting guest who closes the page is gone for every device of the advisor', async () => {
    const phone = await h.connect('alice');
    const { guest } = await guestAtTheDoor(h, alice, 'Pat');
    await phone.next('guest-waiting');
    guest.socket.disconnect();
    expect(await alice.next('guest-gone')).toEqual({ guestId: guest.userId });
    expect(await phone.next('guest-gone')).toEqual({ guestId: guest.userId });
    expect(await alice.send('guest-admit', { guestId: guest.userId })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
  });

  it('an admitted guest who reconnects is told they are in, not put back in the lobby', async () => {
    const { guest, knocked } = await guestAtTheDoor(h, alice, 'Pat');
    await alice.send('guest-admit', { guestId: guest.userId });
    await guest.next('guest-admitted');
    guest.socket.disconnect();
    const back = await connectGuest(h, knocked, 'Pat');
    expect(await back.next('guest-admitted')).toEqual({
      advisorId: alice.userId,
      advisorName: 'Alice Tester',
    });
    // alice can still call them: the admission outlived the connection.
    const ack = await alice.send('call-offer', { to: back.userId, offer: fakeSdp('offer') });
    expect(ack).toMatchObject({ ok: true });
    expect(await back.next('call-offer')).toMatchObject({ from: alice.userId });
    expect(alice.received('guest-waiting')).toHaveLength(1);
  });
});
