import { describe, expect, it, vi } from 'vitest';
import type { IncomingSignal, OutgoingSignal } from '../../shared/bridge/contract.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { IDLE } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';
import { createGuestCommands } from './engine-guests.ts';
import type { CallSnapshot, Peer } from './types.ts';

const CASEY = 'guest-AAAAAAAAAAAAAAAAAAAAAA';

/**
 * The slice of the engine's context the guest commands use: the bridge's signal events, the
 * signaling channel (answering with the given acks) and the call's phase.
 */
function setup(phase: CallSnapshot['phase'] = 'idle', acks: (Ack | null)[] = [{ ok: true }]) {
  const listeners = new Set<(signal: IncomingSignal) => void>();
  const sent: OutgoingSignal[] = [];
  const context = {
    bridge: {
      on: (_event: string, listener: (signal: IncomingSignal) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    channel: {
      send: (signal: OutgoingSignal) => {
        sent.push(signal);
        const ack = acks.length > 0 ? acks.shift()! : { ok: true as const };
        return Promise.resolve(ack);
      },
    },
    state: () => ({ ...IDLE, phase }),
  } as unknown as EngineContext;
  const rung: { how: 'call' | 'invite'; peer: Peer }[] = [];
  const guests = createGuestCommands(context, {
    call: vi.fn((peer: Peer) => {
      rung.push({ how: 'call', peer });
      return Promise.resolve();
    }),
    invite: vi.fn((peer: Peer) => {
      rung.push({ how: 'invite', peer });
      return Promise.resolve();
    }),
  });
  const emit = (signal: IncomingSignal) => {
    for (const listener of listeners) listener(signal);
  };
  emit({ event: 'guest-waiting', payload: { guestId: CASEY, name: 'Casey Client' } });
  return { guests, sent, rung, emit, lobby: () => guests.lobby.snapshot() };
}

describe('the lobby from signaling', () => {
  it('lists a waiting guest and forgets one who is gone', () => {
    const { lobby, emit } = setup();
    expect(lobby().waiting).toMatchObject([{ guestId: CASEY, name: 'Casey Client' }]);
    emit({ event: 'guest-gone', payload: { guestId: CASEY } });
    expect(lobby().waiting).toEqual([]);
  });

  it('stops listening once disposed', () => {
    const { guests, emit, lobby } = setup();
    guests.dispose();
    emit({ event: 'guest-gone', payload: { guestId: CASEY } });
    expect(lobby().waiting).toHaveLength(1);
  });
});

describe('admitGuest', () => {
  it('when idle: admits, then calls the guest as a guest', async () => {
    const { guests, sent, rung, lobby } = setup('idle');
    await guests.admitGuest(CASEY);
    expect(sent).toEqual([{ event: 'guest-admit', payload: { guestId: CASEY } }]);
    expect(rung).toEqual([
      { how: 'call', peer: { id: CASEY, displayName: 'Casey Client', guest: true } },
    ]);
    expect(lobby()).toEqual({ waiting: [], problem: null });
  });

  it('in a call: admits, then invites the guest into the meeting', async () => {
    const { guests, rung } = setup('active');
    await guests.admitGuest(CASEY);
    expect(rung.map((r) => r.how)).toEqual(['invite']);
  });

  it('a full meeting: says so in its own words, and the guest is no longer waiting', async () => {
    const { guests, rung, lobby } = setup('active', [
      { ok: false, error: { code: 'meeting-full', message: 'The meeting is full.' } },
    ]);
    await guests.admitGuest(CASEY);
    expect(rung).toEqual([]);
    expect(lobby().waiting).toEqual([]);
    expect(lobby().problem).toBe(
      'Casey Client cannot join: your meeting already has 4 people. They were told the meeting is full.',
    );
  });

  it('the server out of reach: the guest still waits, and the advisor is told', async () => {
    const { guests, lobby } = setup('idle', [null]);
    await guests.admitGuest(CASEY);
    expect(lobby().waiting).toMatchObject([{ guestId: CASEY, deciding: false }]);
    expect(lobby().problem).toBe('Could not let Casey Client in: the server could not be reached.');
    guests.dismissGuestProblem();
    expect(lobby().problem).toBeNull();
  });

  it('while a call rings: sends nothing and says when it can be done', async () => {
    const { guests, sent, lobby } = setup('outgoing');
    await guests.admitGuest(CASEY);
    expect(sent).toEqual([]);
    expect(lobby().problem).toBe(
      'You can let Casey Client in once this call is answered or has ended.',
    );
    expect(lobby().waiting).toHaveLength(1);
  });

  it('ignores a guest who is not waiting', async () => {
    const { guests, sent } = setup();
    await guests.admitGuest('guest-nobody');
    expect(sent).toEqual([]);
  });
});

describe('denyGuest', () => {
  it('denies and forgets the guest', async () => {
    const { guests, sent, rung, lobby } = setup();
    await guests.denyGuest(CASEY);
    expect(sent).toEqual([{ event: 'guest-deny', payload: { guestId: CASEY } }]);
    expect(rung).toEqual([]);
    expect(lobby()).toEqual({ waiting: [], problem: null });
  });

  it('a guest who left already is simply gone', async () => {
    const { guests, lobby } = setup('idle', [
      { ok: false, error: { code: 'no-such-call', message: 'Not waiting.' } },
    ]);
    await guests.denyGuest(CASEY);
    expect(lobby()).toEqual({ waiting: [], problem: null });
  });

  it('the server out of reach: the guest still waits, and the advisor is told', async () => {
    const { guests, lobby } = setup('idle', [null]);
    await guests.denyGuest(CASEY);
    expect(lobby().waiting).toHaveLength(1);
    expect(lobby().problem).toBe(
      'Could not turn Casey Client away: the server could not be reached.',
    );
  });
});
