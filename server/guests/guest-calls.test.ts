/**
 * Guests in calls on the real server: a guest's socket may send only a call's messages, a guest
 * may be rung only by the advisor who admitted them, a meeting names its guest as one, and a
 * guest reaches nobody outside their meeting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ack, Participant } from '../../shared/protocol/signaling.ts';
import { guestAtTheDoor } from '../testing/guests.ts';
import { fakeSdp, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf } from '../testing/seed-relay.ts';

let h: Harness;
let alice: Client;
let bob: Client;
let erin: Client;
beforeEach(async () => {
  h = await startHarness();
  for (const name of ['alice', 'bob', 'carol', 'erin']) await h.addUser(name, ['Team']);
  [alice, bob, erin] = (await Promise.all(['alice', 'bob', 'erin'].map((n) => h.connect(n)))) as [
    Client,
    Client,
    Client,
  ];
});
afterEach(async () => {
  await h.close();
});

/** A guest of alice's, admitted, in a call with her; returns the guest and the call id. */
async function guestInCall(): Promise<{ guest: Client; id: string }> {
  const { guest } = await guestAtTheDoor(h, alice, 'Pat');
  await alice.send('guest-admit', { guestId: guest.userId });
  await guest.next('guest-admitted');
  const id = callIdOf(
    await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') }),
  );
  await guest.next('call-offer');
  await guest.send('call-answer', { to: alice.userId, callId: id, answer: fakeSdp('answer') });
  await alice.next('call-answer');
  return { guest, id };
}

const notAllowed = {
  ok: false,
  error: { code: 'not-allowed', message: 'A guest cannot send that message.' },
};

describe("a guest's socket", () => {
  it('cannot ring, invite, withdraw, decide, renew or send anything unknown: not-allowed, reaching no one', async () => {
    const { guest, id } = await guestInCall();
    const attempts: [string, unknown][] = [
      ['call-offer', { to: bob.userId, offer: fakeSdp('offer') }],
      ['call-offer', { to: alice.userId, offer: fakeSdp('offer') }],
      ['call-invite', { to: bob.userId, callId: id }],
      ['call-cancel', { to: alice.userId, callId: id }],
      ['guest-admit', { guestId: guest.userId }],
      ['guest-deny', { guestId: guest.userId }],
      ['auth-renew', { token: alice.tokens.accessToken }],
      ['not-an-event', {}],
      ['__proto__', {}],
      ['call-offer', 'not even an object'],
    ];
    for (const [event, payload] of attempts) {
      expect(await guest.send(event, payload), event).toEqual(notAllowed);
    }
    const errors = guest.received('call-error') as { code: string; event: string }[];
    expect(errors.map((e) => [e.event, e.code])).toEqual(
      attempts.map(([event]) => [event, 'not-allowed']),
    );
    expect(bob.received('call-offer')).toEqual([]);
    expect(bob.received('call-invite')).toEqual([]);
    expect(alice.received('call-offer')).toEqual([]);
    expect(alice.received('call-cancel')).toEqual([]);
    // The call goes on.
    await guest.send('media-state', {
      to: alice.userId,
      callId: id,
      state: { audio: true, video: true, screen: false },
    });
    expect(await alice.next('media-state')).toMatchObject({ from: guest.userId, callId: id });
  });

  it('reaches nobody outside its meeting, whatever it names', async () => {
    const { guest, id } = await guestInCall();
    const carol = await h.connect('carol');
    const other = callIdOf(
      await bob.send('call-offer', { to: carol.userId, offer: fakeSdp('offer') }),
    );
    await carol.next('call-offer');
    await carol.send('call-answer', { to: bob.userId, callId: other, answer: fakeSdp('answer') });
    await bob.next('call-answer');
    const candidate = { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host' };
    const description = { type: 'offer', sdp: 'v=0' };
    const state = { audio: true, video: true, screen: true };
    const acks: Ack[] = [];
    for (const to of [erin.userId, bob.userId, carol.userId]) {
      for (const callId of [id, other, undefined]) {
        const named = callId === undefined ? {} : { callId };
        acks.push(
          await guest.send('ice-candidate', { to, ...named, candidate }),
          await guest.send('call-answer', { to, ...named, answer: fakeSdp('answer') }),
          await guest.send('call-decline', { to, ...named }),
          await guest.send('end-call', { to, ...named }),
        );
        if (callId) {
          acks.push(
            await guest.send('call-renegotiate', { to, callId, description }),
            await guest.send('media-state', { to, callId, state }),
            await guest.send('recording-state', { to, callId, state: 'started' }),
            await guest.send('call-join', { to, callId }),
            await guest.send('call-resume', { to, callId }),
          );
        }
      }
    }
    expect(acks.filter((ack) => ack.ok)).toEqual([]);
    for (const outsider of [erin, bob, carol]) {
      for (const event of [
        'ice-candidate',
        'call-answer',
        'call-decline',
        'end-call',
        'call-renegotiate',
        'media-state',
        'recording-state',
        'call-participants',
      ] as const) {
        const fromGuest = (outsider.received(event) as { from?: string }[]).filter(
          (p) => p.from === guest.userId,
        );
        expect(fromGuest, `${event} to ${outsider.userId}`).toEqual([]);
      }
    }
    // bob and carol's call and alice's call with the guest are untouched.
    await bob.send('media-state', { to: carol.userId, callId: other, state });
    expect(await carol.next('media-state')).toMatchObject({ from: bob.userId });
    await guest.send('media-state', { to: alice.userId, callId: id, state });
    expect(await alice.next('media-state')).toMatchObject({ from: guest.userId });
  });
});

describe('ringing a guest', () => {
  it('only the advisor who admitted them may, and only once admitted', async () => {
    const { guest } = await guestAtTheDoor(h, alice, 'Pat');
    const refused = {
      ok: false,
      error: { code: 'not-allowed', message: 'You can only call a guest you let in yourself.' },
    };
    // Waiting: not even their advisor.
    expect(await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') })).toEqual(
      refused,
    );
    await alice.send('guest-admit', { guestId: guest.userId });
    await guest.next('guest-admitted');
    // bob shares a circle with alice, not with her guest.
    expect(await bob.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') })).toEqual(
      refused,
    );
    expect(guest.received('call-offer')).toEqual([]);
    expect(
      await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') }),
    ).toMatchObject({ ok: true });
  });

  it('into a meeting: the advisor invites them, everyone sees them marked as a guest, and nobody else may invite them', async () => {
    const id = callIdOf(
      await alice.send('call-offer', { to: bob.userId, offer: fakeSdp('offer') }),
    );
    await bob.next('call-offer');
    await bob.send('call-answer', { to: alice.userId, callId: id, answer: fakeSdp('answer') });
    await alice.next('call-answer');
    const { guest } = await guestAtTheDoor(h, alice, 'Pat');
    await alice.send('guest-admit', { guestId: guest.userId });
    await guest.next('guest-admitted');
    expect(await bob.send('call-invite', { to: guest.userId, callId: id })).toEqual({
      ok: false,
      error: { code: 'not-allowed', message: 'You can only invite a guest you let in yourself.' },
    });
    expect(await alice.send('call-invite', { to: guest.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    const invite = await guest.next<{ fromName: string; participants: Participant[] }>(
      'call-invite',
    );
    expect(invite.fromName).toBe('Alice Tester');
    expect(invite.participants).toContainEqual({
      userId: guest.userId,
      displayName: 'Pat',
      state: 'ringing',
      guest: true,
    });
    expect(await guest.send('call-join', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    for (const member of [alice, bob]) {
      for (;;) {
        const { participants } = await member.next<{ participants: Participant[] }>(
          'call-participants',
        );
        const seen = participants.find((p) => p.userId === guest.userId);
        if (seen?.state !== 'joined') continue;
        expect(seen).toEqual({
          userId: guest.userId,
          displayName: 'Pat',
          state: 'joined',
          joinedAt: expect.any(Number),
          guest: true,
        });
        expect(
          participants.filter((p) => p.userId !== guest.userId).every((p) => !('guest' in p)),
        ).toBe(true);
        break;
      }
    }
    // The guest and bob (who never admitted them) pair up within the meeting.
    const description = { type: 'offer', sdp: 'v=0 pat' };
    await guest.send('call-renegotiate', { to: bob.userId, callId: id, description });
    expect(await bob.next('call-renegotiate')).toEqual({
      from: guest.userId,
      callId: id,
      description,
    });
    expect(erin.received('call-renegotiate')).toEqual([]);
  });
});
