/**
 * The advisor's side of guests: the lobby (guest-waiting and guest-gone from the server), and
 * letting a waiting client in (guest-admit, then ring them like anyone else: a call when idle,
 * an invitation into the meeting when in one) or turning them away (guest-deny).
 */
import type { Ack, CallErrorCode } from '../../shared/protocol/signaling.ts';
import { MAX_PARTICIPANTS } from '../../shared/protocol/signaling.ts';
import { inCall } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';
import { createGuestLobby, type GuestLobby } from './guest-lobby.ts';
import type { Peer } from './types.ts';

// Properties, not methods: the engine hands them on unbound.
export interface GuestCommands {
  lobby: Pick<GuestLobby, 'snapshot' | 'subscribe'>;
  admitGuest: (guestId: string) => Promise<void>;
  denyGuest: (guestId: string) => Promise<void>;
  /** Clears the lobby's problem message. */
  dismissGuestProblem: () => void;
  dispose: () => void;
}

/** How a guest is rung once let in: the engine's own commands. */
export interface Ringing {
  call(peer: Peer): Promise<void>;
  invite(peer: Peer): Promise<void>;
}

/** Refusals that may pass (try again); any other means the guest is no longer waiting. */
const TRANSIENT: readonly CallErrorCode[] = ['rate-limited', 'internal', 'server-busy'];
const stillWaiting = (ack: Ack | null): boolean =>
  !ack || (!ack.ok && TRANSIENT.includes(ack.error.code));

export function createGuestCommands(context: EngineContext, ringing: Ringing): GuestCommands {
  const lobby = createGuestLobby();
  const { dispatch } = lobby;

  const unsubscribe = context.bridge.on('signal:event', (signal) => {
    if (signal.event === 'guest-waiting') {
      dispatch({ type: 'waiting', guestId: signal.payload.guestId, name: signal.payload.name });
    } else if (signal.event === 'guest-gone') {
      dispatch({ type: 'gone', guestId: signal.payload.guestId });
    }
  });

  /** After a refused decision: keep the guest if it may pass, and say what happened. */
  function refused(guestId: string, ack: Ack | null, message: string): void {
    if (stillWaiting(ack)) dispatch({ type: 'deciding', guestId, on: false });
    else dispatch({ type: 'gone', guestId });
    dispatch({ type: 'problem', message });
  }

  /** Once let in, the guest is rung: a call of two, or an invitation into this meeting. */
  async function ring(peer: Peer): Promise<void> {
    const s = context.state();
    if (inCall(s)) await ringing.invite(peer);
    else if (s.phase === 'idle' || s.phase === 'ended') await ringing.call(peer);
    else {
      dispatch({
        type: 'problem',
        message: `${peer.displayName} was let in, but could not be called while another call rings. Send them the link again.`,
      });
    }
  }

  return {
    lobby: { snapshot: lobby.snapshot, subscribe: lobby.subscribe },

    async admitGuest(guestId) {
      const guest = lobby.find(guestId);
      if (!guest || guest.deciding) return;
      const { name } = guest;
      const s = context.state();
      if (!inCall(s) && s.phase !== 'idle' && s.phase !== 'ended') {
        dispatch({
          type: 'problem',
          message: `You can let ${name} in once this call is answered or has ended.`,
        });
        return;
      }
      dispatch({ type: 'deciding', guestId, on: true });
      const ack = await context.channel.send({ event: 'guest-admit', payload: { guestId } });
      if (!ack?.ok) {
        const message = !ack
          ? `Could not let ${name} in: the server could not be reached.`
          : ack.error.code === 'meeting-full'
            ? `${name} cannot join: your meeting already has ${MAX_PARTICIPANTS} people. They were told the meeting is full.`
            : `Could not let ${name} in: ${ack.error.message}`;
        refused(guestId, ack, message);
        return;
      }
      dispatch({ type: 'gone', guestId });
      await ring({ id: guestId, displayName: name, guest: true });
    },

    async denyGuest(guestId) {
      const guest = lobby.find(guestId);
      if (!guest || guest.deciding) return;
      dispatch({ type: 'deciding', guestId, on: true });
      const ack = await context.channel.send({ event: 'guest-deny', payload: { guestId } });
      if (ack?.ok) {
        dispatch({ type: 'gone', guestId });
        return;
      }
      // Gone already (they closed the page): what the advisor wanted happened.
      if (!stillWaiting(ack)) {
        dispatch({ type: 'gone', guestId });
        return;
      }
      refused(
        guestId,
        ack,
        `Could not turn ${guest.name} away: ${ack ? ack.error.message : 'the server could not be reached.'}`,
      );
    },

    dismissGuestProblem() {
      dispatch({ type: 'dismiss' });
    },

    dispose() {
      unsubscribe();
    },
  };
}
