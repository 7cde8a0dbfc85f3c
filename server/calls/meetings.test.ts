/**
 * Meetings of up to four on the real server (real database, real sockets): invite, join, who sees
 * whom, relaying between any two joined participants and nobody else, leaving, dropping and
 * resuming, and the 1:1 call of a seed client unchanged beside it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Participant } from '../../shared/protocol/signaling.ts';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

let h: Harness;
let alice: Client;
let bob: Client;
let carol: Client;
let dave: Client;
const ids = new Map<string, string>();
beforeEach(async () => {
  h = await startHarness({ ringTimeoutMs: 2_000, disconnectGraceMs: 300 });
  const circles: Record<string, string[]> = { carol: ['Team', 'Side'], sam: ['Side'], olga: ['X'] };
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'sam', 'olga'];
  await Promise.all(
    names.map(async (name) => ids.set(name, await h.addUser(name, circles[name] ?? ['Team']))),
  );
  [alice, bob, carol, dave] = (await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((n) => h.connect(n)),
  )) as [Client, Client, Client, Client];
});
afterEach(async () => {
  await h.close();
});

const idOf = (username: string): string => ids.get(username)!;

/** `caller` calls `callee`, who answers; returns the call id. */
async function connectCall(caller: Client, callee: Client): Promise<string> {
  const id = callId(
    await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId }),
  );
  await callee.next('call-offer');
  await callee.send('call-answer', { answer: fakeSdp('answer'), to: caller.userId, callId: id });
  await caller.next('call-answer');
  return id;
}

/** `from` rings `to` into the call and `to` joins; returns what `to` was invited with. */
async function inviteAndJoin(from: Client, to: Client, id: string) {
  expect(await from.send('call-invite', { to: to.userId, callId: id })).toEqual({
    ok: true,
    callId: id,
  });
  const invite = await to.next<{ participants: Participant[] }>('call-invite');
  expect(await to.send('call-join', { to: from.userId, callId: id })).toEqual({
    ok: true,
    callId: id,
  });
  return invite;
}

/** Who is in the call and how, as call-participants says, in a stable order. */
const people = (list: Participant[]) => list.map((p) => `${p.userId}:${p.state}`).sort();
const expected = (...entries: [Client | string, 'joined' | 'ringing'][]) =>
  entries.map(([c, state]) => `${typeof c === 'string' ? c : c.userId}:${state}`).sort();

/** Waits for the call-participants that lists exactly these people. */
async function seesParticipants(client: Client, want: string[]): Promise<void> {
  for (;;) {
    const { participants } = await client.next<{ participants: Participant[] }>(
      'call-participants',
      3_000,
    );
    if (JSON.stringify(people(participants)) === JSON.stringify(want)) return;
  }
}

const renegotiation = (to: Client, id: string, sdp = 'v=0') => ({
  to: to.userId,
  callId: id,
  description: { type: 'offer', sdp },
});

/** alice calls bob, who answers; alice rings carol in and carol joins. */
async function threeWay(): Promise<string> {
  const id = await connectCall(alice, bob);
  await inviteAndJoin(alice, carol, id);
  const all = expected([alice, 'joined'], [bob, 'joined'], [carol, 'joined']);
  for (const c of [alice, bob, carol]) await seesParticipants(c, all);
  return id;
}

describe('a meeting of three, then four', () => {
  it('invites, joins, tells everyone who is in it, and relays between the two who were not the original pair', async () => {
    const id = await connectCall(alice, bob);
    expect(await alice.send('call-invite', { to: carol.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await carol.next('call-invite')).toEqual({
      from: alice.userId,
      fromName: 'Alice Tester',
      callId: id,
      participants: expect.arrayContaining([
        {
          userId: alice.userId,
          displayName: 'Alice Tester',
          state: 'joined',
          joinedAt: expect.any(Number),
        },
        {
          userId: bob.userId,
          displayName: 'Bob Tester',
          state: 'joined',
          joinedAt: expect.any(Number),
        },
        { userId: carol.userId, displayName: 'Carol Tester', state: 'ringing' },
      ]),
    });
    const ringing = expected([alice, 'joined'], [bob, 'joined'], [carol, 'ringing']);
    await seesParticipants(alice, ringing);
    await seesParticipants(bob, ringing);
    expect(await carol.send('call-join', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    const all = expected([alice, 'joined'], [bob, 'joined'], [carol, 'joined']);
    for (const c of [alice, bob, carol]) await seesParticipants(c, all);
    // The joiner offers to bob; bob answers: relayed between the two who were not the original pair.
    await carol.send('call-renegotiate', renegotiation(bob, id, 'v=0 carol'));
    expect(await bob.next('call-renegotiate')).toEqual({
      from: carol.userId,
      callId: id,
      description: { type: 'offer', sdp: 'v=0 carol' },
    });
    await bob.send('call-renegotiate', {
      to: carol.userId,
      callId: id,
      description: { type: 'answer', sdp: 'v=0 bob' },
    });
    expect(await carol.next('call-renegotiate')).toMatchObject({
      from: bob.userId,
      description: { sdp: 'v=0 bob' },
    });
    expect(alice.received('call-renegotiate')).toEqual([]);
    // A circle-mate outside the meeting sees carol in a call.
    const seen = async () => {
      for (let i = 0; i < 20; i++) {
        const last = dave
          .received('presence')
          .filter((p) => (p as { userId: string }).userId === carol.userId)
          .at(-1);
        if ((last as { status?: string } | undefined)?.status === 'in-call') return true;
        await sleep(50);
      }
      return false;
    };
    expect(await seen()).toBe(true);
  });

  it('a fourth joins; a fifth is refused as meeting-full, ringing or joined', async () => {
    const id = await threeWay();
    const erin = await h.connect('erin');
    expect(await bob.send('call-invite', { to: dave.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    await dave.next('call-invite');
    const full = { code: 'meeting-full', message: 'This meeting is full (4 people).' };
    // dave only rings, and counts already.
    expect(await alice.send('call-invite', { to: erin.userId, callId: id })).toEqual({
      ok: false,
      error: full,
    });
    expect(await alice.next('call-error')).toEqual({ ...full, event: 'call-invite' });
    expect(await dave.send('call-join', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    const four = expected([alice, 'joined'], [bob, 'joined'], [carol, 'joined'], [dave, 'joined']);
    for (const c of [alice, bob, carol, dave]) await seesParticipants(c, four);
    expect(await dave.send('call-invite', { to: erin.userId, callId: id })).toEqual({
      ok: false,
      error: full,
    });
    await dave.send('media-state', {
      to: carol.userId,
      callId: id,
      state: { audio: true, video: false, screen: false },
    });
    expect(await carol.next('media-state')).toMatchObject({ from: dave.userId, callId: id });
    await sleep(100);
    expect(erin.received('call-invite')).toEqual([]);
  });

  it('refuses invites to oneself, strangers, people already in it and people offline; only a joined participant invites', async () => {
    const id = await connectCall(alice, bob);
    const refused = async (from: Client, to: string, code: string, message?: string) => {
      const ack = await from.send('call-invite', { to, callId: id });
      expect(ack).toMatchObject({ ok: false, error: { code, ...(message ? { message } : {}) } });
    };
    await refused(alice, alice.userId, 'not-allowed');
    await refused(
      alice,
      idOf('olga'),
      'not-allowed',
      'You can only invite members of your circles.',
    );
    await refused(alice, 'nobody', 'not-allowed', 'You can only invite members of your circles.');
    await refused(alice, bob.userId, 'invalid-payload', 'Bob Tester is already in this meeting.');
    await refused(alice, idOf('erin'), 'unavailable', 'Erin Tester is not online.');
    // dave is no participant; a second device of alice's does not speak for her.
    await refused(dave, carol.userId, 'not-in-call');
    const alice2 = await h.connect('alice');
    await refused(alice2, carol.userId, 'not-in-call');
    // A ringing invitee cannot invite before joining.
    expect(await alice.send('call-invite', { to: carol.userId, callId: id })).toMatchObject({
      ok: true,
    });
    await carol.next('call-invite');
    await refused(carol, dave.userId, 'not-in-call');
    await sleep(100);
    expect(dave.received('call-invite')).toEqual([]);
  });

  it('the circle rule binds the inviter only: carol brings in sam, whom bob could not', async () => {
    const sam = await h.connect('sam');
    const id = await threeWay();
    expect(await bob.send('call-invite', { to: sam.userId, callId: id })).toMatchObject({
      ok: false,
      error: { code: 'not-allowed' },
    });
    await inviteAndJoin(carol, sam, id);
    await sam.send('call-renegotiate', renegotiation(bob, id, 'v=0 sam'));
    expect(await bob.next('call-renegotiate')).toMatchObject({ from: sam.userId, callId: id });
  });
});

describe('the inviter hears what became of an invitation; the meeting goes on', () => {
  it('declined, withdrawn, missed and busy', async () => {
    const id = await connectCall(alice, bob);
    const two = expected([alice, 'joined'], [bob, 'joined']);
    // Declined: carol's two devices ring; one declines, the other stops ringing.
    const carol2 = await h.connect('carol');
    await alice.send('call-invite', { to: carol.userId, callId: id });
    await carol2.next('call-invite');
    expect(await carol.send('call-decline', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await alice.next('call-decline')).toEqual({ from: carol.userId, callId: id });
    expect(await carol2.next('call-answered-elsewhere')).toEqual({ callId: id });
    await seesParticipants(bob, two);
    // Withdrawn by the inviter.
    await bob.send('call-invite', { to: dave.userId, callId: id });
    await dave.next('call-invite');
    expect(await alice.send('call-cancel', { to: dave.userId, callId: id })).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    expect(await bob.send('call-cancel', { to: dave.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await dave.next('call-cancel')).toEqual({ from: bob.userId, callId: id });
    // Missed: nobody answers within the ring timeout.
    await alice.send('call-invite', { to: dave.userId, callId: id });
    expect(await alice.next('call-missed', 5_000)).toEqual({ callId: id, peer: dave.userId });
    expect(await dave.next('call-missed', 5_000)).toEqual({ callId: id, peer: alice.userId });
    expect(await dave.send('call-join', { to: alice.userId, callId: id })).toMatchObject({
      ok: false,
    });
    // Busy: erin is in a call with frank.
    const erin = await h.connect('erin');
    const frank = await h.connect('frank');
    await connectCall(erin, frank);
    expect(await alice.send('call-invite', { to: erin.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await alice.next('call-busy')).toEqual({ from: erin.userId, callId: id });
    // Through all of it, the call between alice and bob went on, and nobody else heard of it.
    await bob.send('call-renegotiate', renegotiation(alice, id));
    expect(await alice.next('call-renegotiate')).toMatchObject({ from: bob.userId, callId: id });
    expect(bob.received('call-decline')).toEqual([]);
    expect(bob.received('call-missed')).toEqual([]);
    expect(bob.received('end-call')).toEqual([]);
    expect(erin.received('call-invite')).toEqual([]);
  });

  it('a ringing meeting whose only joined participant leaves is cancelled for everyone ringing', async () => {
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    expect(await alice.send('call-invite', { to: carol.userId, callId: id })).toMatchObject({
      ok: true,
    });
    await carol.next('call-invite');
    alice.socket.disconnect();
    expect(await bob.next('call-cancel')).toEqual({ from: alice.userId, callId: id });
    expect(await carol.next('call-cancel')).toEqual({ from: alice.userId, callId: id });
    // Both are free again.
    expect(
      callId(await bob.send('call-offer', { offer: fakeSdp('offer'), to: carol.userId })),
    ).toBeTruthy();
    expect(await carol.next('call-offer')).toMatchObject({ from: bob.userId });
  });
});

describe('relaying within a meeting', () => {
  it('passes only between participants of the same call', async () => {
    const id = await threeWay();
    const erin = await h.connect('erin');
    const frank = await h.connect('frank');
    const other = await connectCall(erin, frank);
    const candidate = { candidate: 'candidate:x', sdpMid: '0', sdpMLineIndex: 0 };
    const refusedBoth = [
      // A participant to a non-participant, and back.
      carol.send('call-renegotiate', renegotiation(dave, id)),
      dave.send('call-renegotiate', renegotiation(carol, id)),
      dave.send('ice-candidate', { to: bob.userId, callId: id, candidate }),
      // Parties of different calls, each naming their own call or the other's.
      carol.send('call-renegotiate', renegotiation(erin, id)),
      carol.send('ice-candidate', { to: erin.userId, callId: other, candidate }),
      erin.send('media-state', {
        to: bob.userId,
        callId: other,
        state: { audio: true, video: true, screen: false },
      }),
      erin.send('call-renegotiate', renegotiation(alice, id)),
    ];
    for (const ack of await Promise.all(refusedBoth)) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'not-in-call' } });
    }
    await sleep(100);
    for (const c of [alice, bob, carol, dave, erin, frank]) {
      expect(c.received('call-renegotiate')).toEqual([]);
      expect(c.received('ice-candidate')).toEqual([]);
    }
  });

  it('a ringing invitee exchanges candidates with its inviter only, and mid-call messages with nobody', async () => {
    const id = await connectCall(alice, bob);
    await alice.send('call-invite', { to: carol.userId, callId: id });
    await carol.next('call-invite');
    const candidate = { candidate: 'candidate:y', sdpMid: '0', sdpMLineIndex: 0 };
    expect(
      await bob.send('ice-candidate', { to: carol.userId, callId: id, candidate }),
    ).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    expect(await bob.send('call-renegotiate', renegotiation(carol, id))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    expect(await alice.send('ice-candidate', { to: carol.userId, callId: id, candidate })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await carol.next('ice-candidate')).toEqual({
      from: alice.userId,
      callId: id,
      candidate,
    });
    expect(await carol.send('ice-candidate', { to: alice.userId, callId: id, candidate })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await alice.next('ice-candidate')).toEqual({
      from: carol.userId,
      callId: id,
      candidate,
    });
  });
});

describe('leaving a meeting', () => {
  it('the original caller leaves, the other two go on; then the last two are a plain call that end-call ends', async () => {
    const id = await threeWay();
    expect(await alice.send('end-call', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await bob.next('end-call')).toEqual({ from: alice.userId, callId: id });
    expect(await carol.next('end-call')).toEqual({ from: alice.userId, callId: id });
    const two = expected([bob, 'joined'], [carol, 'joined']);
    await seesParticipants(bob, two);
    await seesParticipants(carol, two);
    await bob.send('call-renegotiate', renegotiation(carol, id, 'v=0 after'));
    expect(await carol.next('call-renegotiate')).toMatchObject({
      from: bob.userId,
      description: { sdp: 'v=0 after' },
    });
    // alice is out: her messages to the call are refused, and she is free to call someone else.
    expect(await alice.send('call-renegotiate', renegotiation(bob, id))).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    expect(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: dave.userId }),
    ).toMatchObject({ ok: true });
    // The last two: a hang-up ends it, as in any 1:1 call.
    expect(await carol.send('end-call', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await bob.next('end-call')).toEqual({ from: carol.userId, callId: id });
    expect(await bob.send('call-renegotiate', renegotiation(carol, id))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
  });

  it("a participant's socket drops and resumes within the grace: nobody hears end-call", async () => {
    const id = await threeWay();
    const carolAgain = await h.connect('carol');
    carol.socket.disconnect();
    await sleep(50);
    expect(await carolAgain.send('call-resume', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    await sleep(500);
    expect(alice.received('end-call')).toEqual([]);
    expect(bob.received('end-call')).toEqual([]);
    await bob.send('call-renegotiate', renegotiation(carol, id, 'v=0 again'));
    expect(await carolAgain.next('call-renegotiate')).toMatchObject({
      from: bob.userId,
      description: { sdp: 'v=0 again' },
    });
  });

  it("a participant's socket drops for good: the others hear end-call from them after the grace and go on", async () => {
    const id = await threeWay();
    carol.socket.disconnect();
    expect(await alice.next('end-call', 3_000)).toEqual({ from: carol.userId, callId: id });
    expect(await bob.next('end-call', 3_000)).toEqual({ from: carol.userId, callId: id });
    await seesParticipants(alice, expected([alice, 'joined'], [bob, 'joined']));
    await alice.send('media-state', {
      to: bob.userId,
      callId: id,
      state: { audio: false, video: true, screen: false },
    });
    expect(await bob.next('media-state')).toMatchObject({ from: alice.userId, callId: id });
  });
});

describe('candidates that arrive before their offer', () => {
  it("are held and delivered to the callee right after the offer; nobody else's are", async () => {
    const id = randomUUID();
    const candidates = [1, 2, 3].map((n) => ({
      candidate: `candidate:${n}`,
      sdpMid: '0',
      sdpMLineIndex: 0,
    }));
    for (const candidate of candidates) {
      expect(await alice.send('ice-candidate', { to: bob.userId, callId: id, candidate })).toEqual({
        ok: true,
        callId: id,
      });
    }
    // Another socket's candidates for the same id (and alice's to someone else) are not passed on.
    await dave.send('ice-candidate', {
      to: bob.userId,
      callId: id,
      candidate: { candidate: 'candidate:dave' },
    });
    await alice.send('ice-candidate', {
      to: carol.userId,
      callId: id,
      candidate: { candidate: 'candidate:carol' },
    });
    await sleep(100);
    expect(bob.received('ice-candidate')).toEqual([]);
    expect(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId, callId: id }),
    ).toEqual({ ok: true, callId: id });
    expect(await bob.next('call-offer')).toMatchObject({ from: alice.userId, callId: id });
    for (const candidate of candidates) {
      expect(await bob.next('ice-candidate')).toEqual({
        from: alice.userId,
        callId: id,
        candidate,
      });
    }
    await sleep(100);
    expect(bob.received('ice-candidate')).toHaveLength(3);
    expect(carol.received('ice-candidate')).toEqual([]);
  });
});

describe('candidates a seed client sends before its offer (no call id)', () => {
  it('are held for its next call and delivered to the callee right after the offer', async () => {
    const emit = (event: string, payload: unknown) => alice.socket.emit(event, payload);
    emit('ice-candidate', { to: bob.userId, candidate: { candidate: 'candidate:early' } });
    await sleep(100);
    expect(alice.received('call-error')).toEqual([]);
    expect(bob.received('ice-candidate')).toEqual([]);
    emit('call-offer', { offer: fakeSdp('offer'), to: bob.userId, from: alice.userId });
    const offer = await bob.next<{ callId: string }>('call-offer');
    expect(await bob.next('ice-candidate')).toEqual({
      from: alice.userId,
      callId: offer.callId,
      candidate: { candidate: 'candidate:early' },
    });
  });
});

describe('a seed client beside meetings', () => {
  it('completes a 1:1 both ways with no call ids, no acks and none of the new events', async () => {
    const emit = (c: Client, event: string, payload: unknown) => c.socket.emit(event, payload);
    const candidate = {
      candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    for (const [caller, callee] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      emit(caller, 'call-offer', {
        offer: fakeSdp('offer'),
        to: callee.userId,
        from: caller.userId,
      });
      expect(await callee.next('call-offer')).toMatchObject({
        from: caller.userId,
        offer: fakeSdp('offer'),
      });
      emit(callee, 'call-answer', { answer: fakeSdp('answer'), to: caller.userId });
      expect(await caller.next('call-answer')).toMatchObject({
        from: callee.userId,
        answer: fakeSdp('answer'),
      });
      emit(caller, 'ice-candidate', { candidate, to: callee.userId });
      expect(await callee.next('ice-candidate')).toMatchObject({ from: caller.userId, candidate });
      emit(callee, 'ice-candidate', { candidate, to: caller.userId });
      expect(await caller.next('ice-candidate')).toMatchObject({ from: callee.userId, candidate });
      emit(callee, 'end-call', { to: caller.userId });
      expect(await caller.next('end-call')).toMatchObject({ from: callee.userId });
    }
    expect(alice.received('call-error')).toEqual([]);
    expect(bob.received('call-error')).toEqual([]);
  });
});
