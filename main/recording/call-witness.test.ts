/**
 * The call witness fed recorded event sequences, as main relays them: what it says about who
 * was in the call and who allowed recording, and when, is what the manifest will say.
 */
import { describe, expect, it } from 'vitest';
import type { IncomingSignal, OutgoingSignal } from '../../shared/bridge/contract.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { accountOf } from './call-account.ts';
import { createCallWitness, witnessedSignaling, type CallWitness } from './call-witness.ts';
import type { Signaling } from '../signaling/connection.ts';

const AVERY = { id: 'u_avery', displayName: 'Avery Tester' };
const offer = { type: 'offer' as const, sdp: 'v=0' };
const answer = { type: 'answer' as const, sdp: 'v=0' };
const OK: Ack = { ok: true };

type Step =
  { at: number; sent: OutgoingSignal; ack?: Ack } | { at: number; received: IncomingSignal };

/** Plays a recorded sequence into a witness whose clock is each step's time. */
function replay(steps: Step[]): CallWitness {
  let t = 0;
  const witness = createCallWitness({ me: () => AVERY, now: () => t });
  for (const step of steps) {
    t = step.at;
    if ('sent' in step) witness.sent(step.sent, step.ack ?? OK);
    else witness.received(step.received);
  }
  return witness;
}

const iso = (at: number) => new Date(at).toISOString();

describe('call witness', () => {
  it('a 1:1 call I placed: the callee joins on answer, consent and its times, the hang-up', async () => {
    const callId = 'call_one_to_one1';
    const witness = replay([
      // A seed-style offer with no call id: the server's ack names the call.
      {
        at: 1_000,
        sent: { event: 'call-offer', payload: { to: 'u_blake', offer } },
        ack: { ok: true, callId },
      },
      {
        at: 3_000,
        received: { event: 'call-answer', payload: { from: 'u_blake', callId, answer } },
      },
      {
        at: 4_000,
        sent: {
          event: 'recording-state',
          payload: { to: 'u_blake', callId, state: 'consent-requested' },
        },
      },
      {
        at: 5_000,
        received: {
          event: 'recording-state',
          payload: { from: 'u_blake', callId, state: 'consent-granted' },
        },
      },
      {
        at: 5_100,
        sent: { event: 'recording-state', payload: { to: 'u_blake', callId, state: 'started' } },
      },
      // Refused by the server: it reached no one, so it is not evidence.
      {
        at: 6_000,
        sent: { event: 'recording-state', payload: { to: 'u_blake', callId, state: 'stopped' } },
        ack: { ok: false, error: { code: 'not-in-call', message: 'x' } },
      },
      { at: 9_000, received: { event: 'end-call', payload: { from: 'u_blake', callId } } },
    ]);
    const snapshot = witness.snapshot(callId)!;
    expect(snapshot.people).toEqual([
      { ...AVERY, nameFrom: 'session', guest: false, joinedAt: 1_000, leftAt: null },
      {
        id: 'u_blake',
        displayName: null,
        nameFrom: null,
        guest: false,
        joinedAt: 3_000,
        leftAt: 9_000,
      },
    ]);
    expect(snapshot.recordingEvents).toEqual([
      { at: 4_000, from: 'u_avery', to: 'u_blake', state: 'consent-requested' },
      { at: 5_000, from: 'u_blake', to: 'u_avery', state: 'consent-granted' },
      { at: 5_100, from: 'u_avery', to: 'u_blake', state: 'started' },
    ]);

    // Blake's name comes from the server's directory; the renderer's only if that fails.
    const claimed = [AVERY, { id: 'u_blake', displayName: 'Blake (renderer)' }];
    const directory = await accountOf(snapshot, claimed, () =>
      Promise.resolve(new Map([['u_blake', 'Blake Tester']])),
    );
    expect(directory.participants[1]).toMatchObject({
      displayName: 'Blake Tester',
      nameFrom: 'directory',
      joinedAt: iso(3_000),
      leftAt: iso(9_000),
    });
    const offline = await accountOf(snapshot, claimed, () => Promise.reject(new Error('offline')));
    expect(offline.participants[1]).toMatchObject({
      displayName: 'Blake (renderer)',
      nameFrom: 'renderer',
    });
    expect(directory.consent[1]).toEqual({
      at: iso(5_000),
      from: 'u_blake',
      to: 'u_avery',
      state: 'consent-granted',
    });
  });

  it('a call I answered: the caller named by the server, refusal recorded', () => {
    const callId = 'call_incoming01';
    const witness = replay([
      {
        at: 100,
        received: {
          event: 'call-offer',
          payload: { from: 'u_casey', callId, fromName: 'Casey Client', offer },
        },
      },
      { at: 900, sent: { event: 'call-answer', payload: { to: 'u_casey', callId, answer } } },
      {
        at: 2_000,
        received: {
          event: 'recording-state',
          payload: { from: 'u_casey', callId, state: 'consent-requested' },
        },
      },
      {
        at: 2_500,
        sent: {
          event: 'recording-state',
          payload: { to: 'u_casey', callId, state: 'consent-denied' },
        },
      },
      { at: 3_000, sent: { event: 'end-call', payload: { to: 'u_casey', callId } } },
    ]);
    const snapshot = witness.snapshot(callId)!;
    expect(
      snapshot.people.map((p) => [p.id, p.displayName, p.nameFrom, p.joinedAt, p.leftAt]),
    ).toEqual([
      ['u_avery', 'Avery Tester', 'session', 900, 3_000],
      ['u_casey', 'Casey Client', 'signaling', 100, null],
    ]);
    expect(snapshot.recordingEvents.map((e) => `${e.from}>${e.to} ${e.state}`)).toEqual([
      'u_casey>u_avery consent-requested',
      'u_avery>u_casey consent-denied',
    ]);
  });

  it('a meeting: invited in, others come and go by call-participants, a guest named in the lobby', async () => {
    const callId = 'call_meeting0001';
    const participants = (list: [string, string, 'joined' | 'ringing', boolean?][]) =>
      list.map(([userId, displayName, state, guest]) => ({
        userId,
        displayName,
        state,
        ...(guest ? { guest } : {}),
      }));
    const witness = replay([
      {
        at: 10,
        received: { event: 'guest-waiting', payload: { guestId: 'g_dana', name: 'Dana (guest)' } },
      },
      {
        at: 100,
        received: {
          event: 'call-invite',
          payload: {
            from: 'u_blake',
            callId,
            fromName: 'Blake Tester',
            participants: participants([
              ['u_blake', 'Blake Tester', 'joined'],
              ['u_casey', 'Casey', 'joined'],
              ['u_avery', 'Avery Tester', 'ringing'],
            ]),
          },
        },
      },
      { at: 500, sent: { event: 'call-join', payload: { to: 'u_blake', callId } } },
      {
        at: 600,
        received: {
          event: 'call-participants',
          payload: {
            callId,
            participants: participants([
              ['u_blake', 'Blake Tester', 'joined'],
              ['u_casey', 'Casey', 'joined'],
              ['u_avery', 'Avery Tester', 'joined'],
            ]),
          },
        },
      },
      { at: 700, sent: { event: 'guest-admit', payload: { guestId: 'g_dana' } } },
      { at: 800, sent: { event: 'call-invite', payload: { to: 'g_dana', callId } } },
      {
        at: 2_000,
        received: {
          event: 'call-participants',
          payload: {
            callId,
            participants: participants([
              ['u_blake', 'Blake Tester', 'joined'],
              ['u_avery', 'Avery Tester', 'joined'],
              ['g_dana', 'Dana (guest)', 'joined', true],
            ]),
          },
        },
      },
    ]);
    const snapshot = witness.snapshot(callId)!;
    expect(
      snapshot.people.map((p) => [p.id, p.displayName, p.guest, p.joinedAt, p.leftAt]),
    ).toEqual([
      ['u_avery', 'Avery Tester', false, 500, null],
      ['u_blake', 'Blake Tester', false, 100, null],
      ['u_casey', 'Casey', false, 100, 2_000],
      ['g_dana', 'Dana (guest)', true, 2_000, null],
    ]);
    // The renderer's list at start is checked against who was there: Casey had left.
    const account = await accountOf(snapshot, [AVERY, { id: 'u_casey', displayName: 'Casey' }]);
    expect(account.participantsCheck).toEqual({
      matches: false,
      claimedNotWitnessed: [{ id: 'u_casey', displayName: 'Casey' }],
      witnessedNotClaimed: ['u_blake', 'g_dana'],
    });
  });

  it('knows nothing of a call it never saw, and forgets the oldest of many', () => {
    const witness = createCallWitness({ me: () => AVERY });
    expect(witness.snapshot('call_unknown0001')).toBeNull();
    for (let i = 0; i < 20; i++) {
      witness.received({
        event: 'call-offer',
        payload: {
          from: 'u_x',
          callId: `call_many${String(i).padStart(6, '0')}`,
          fromName: 'X',
          offer,
        },
      });
    }
    expect(witness.snapshot('call_many000000')).toBeNull();
    expect(witness.snapshot('call_many000019')).not.toBeNull();
  });

  it('sees what goes through the router’s signal:send only once the server answered', async () => {
    const witness = createCallWitness({ me: () => AVERY });
    const sent: OutgoingSignal[] = [];
    const signaling = {
      state: () => ({ status: 'online', attempt: 0, message: null }),
      connect: () => undefined,
      disconnect: () => undefined,
      send: (signal: OutgoingSignal) => {
        sent.push(signal);
        return Promise.resolve<Ack>({ ok: true, callId: 'call_routed00001' });
      },
    } satisfies Signaling;
    const wrapped = witnessedSignaling(signaling, witness);
    await expect(
      wrapped.send({ event: 'call-offer', payload: { to: 'u_blake', offer } }),
    ).resolves.toEqual({ ok: true, callId: 'call_routed00001' });
    expect(sent).toHaveLength(1);
    expect(witness.snapshot('call_routed00001')?.people.map((p) => p.id)).toEqual(['u_avery']);
    expect(wrapped.state()).toEqual(signaling.state());
  });
});
