/**
 * What the engine does with each signaling event. Every event names its call and its sender;
 * events of another call are ignored, and each one touches only its sender's participant
 * (their session, their tiles), except those that end the whole call.
 */
import type { IncomingSignal } from '../../shared/bridge/contract.ts';
import { inCall, joinedOthers, participant, rejoined } from './call-state.ts';
import { MEDIA_FAILED, type EngineContext } from './engine-context.ts';
import type { RecordingControl } from './engine-recording.ts';
import type { MeetingOffers } from './meeting-offers.ts';
import type { CallOutcomeKind } from './types.ts';

type Payload<E extends IncomingSignal['event']> = Extract<IncomingSignal, { event: E }>['payload'];
export type SignalHandlers = {
  [E in IncomingSignal['event']]?: (payload: Payload<E>) => Promise<void> | void;
};

export interface IncomingCall {
  /** The offer of a 1:1 call we are rung for (null for a meeting invitation). */
  offer: RTCSessionDescriptionInit | null;
}

export function createSignalHandlers(
  context: EngineContext,
  recording: RecordingControl,
  incoming: IncomingCall,
  /** Each participant list: who offers to whom (meeting-offers.ts). */
  offers: MeetingOffers,
): SignalHandlers {
  const { dispatch, state } = context;
  const nameOf = (id: string): string => participant(state(), id)?.displayName ?? 'The other party';
  /** Nobody else is in (or ringing into) the call any more. */
  const alone = (): boolean => state().participants.length === 0;

  /**
   * An invitee (or the callee) did not come: a 1:1 that never started ends with the outcome;
   * a meeting goes on with a notice.
   */
  async function didNotCome(id: string, kind: CallOutcomeKind, notice: string, ended: string) {
    const s = state();
    if (!participant(s, id)) return;
    if (s.phase === 'outgoing' && s.participants.length === 1) {
      await context.end(kind, ended);
      return;
    }
    context.dropPeer(id, notice);
    if (alone()) await context.end(kind, ended);
  }

  return {
    'call-offer': (p) => {
      const s = state();
      if (s.phase !== 'idle' && s.phase !== 'ended') return;
      incoming.offer = p.offer;
      dispatch({
        type: 'ring',
        callId: p.callId,
        from: { id: p.from, displayName: p.fromName },
        others: [],
      });
    },
    'call-invite': async (p) => {
      const s = state();
      if (s.phase !== 'idle' && s.phase !== 'ended') return;
      const me = await context.me();
      incoming.offer = null;
      const others = p.participants
        .filter((x) => x.userId !== me.id && x.userId !== p.from && x.state === 'joined')
        .map((x) => ({ id: x.userId, displayName: x.displayName, guest: x.guest }));
      dispatch({
        type: 'ring',
        callId: p.callId,
        from: { id: p.from, displayName: p.fromName },
        others,
      });
    },
    'call-participants': async (p) => {
      if (!context.isCurrent(p.callId)) return;
      const me = await context.me();
      const before = new Set(joinedOthers(state()).map((x) => x.id));
      // Someone back anew (after a crash): their old session is dead; a new one is offered.
      for (const entry of p.participants) {
        const known = participant(state(), entry.userId);
        if (known && rejoined(known, entry.joinedAt ?? null)) {
          context.peers.close(entry.userId);
          before.delete(entry.userId);
        }
      }
      dispatch({ type: 'participants', list: p.participants, me: me.id });
      const joined = joinedOthers(state());
      // Counting whoever is still ringing: the cameras change while the invitee's app rings, not
      // in the middle of their arrival (a decline or a miss sizes the meeting back: dropPeer).
      context.peers.fitTo(state().participants.length + 1);
      for (const person of joined) {
        if (!before.has(person.id)) recording.onJoined(person.id);
      }
      if (inCall(state())) await offers.follow(p.participants, me.id);
    },
    'call-answer': async (p) => {
      const s = state();
      if (!context.isCurrent(p.callId) || s.phase !== 'outgoing') return;
      dispatch({ type: 'joined', id: p.from });
      await context.peers
        .get(p.from)
        ?.onDescription(p.answer, false)
        .catch(async (error: unknown) => {
          await context.end('failed', `The call failed: ${(error as Error).message}`);
        });
    },
    'ice-candidate': async (p) => {
      if (!context.isCurrent(p.callId)) return;
      await context.addCandidate(p.from, p.candidate);
    },
    'call-renegotiate': async (p) => {
      if (!context.isCurrent(p.callId) || !inCall(state())) return;
      const who = participant(state(), p.from);
      if (!who) return;
      // A joined participant's first offer to us: they joined first, and they open our pair
      // (perhaps before my camera is open: it is added when it is).
      const session =
        context.peers.get(p.from) ??
        (p.description.type === 'offer'
          ? await context.openPeer(p.from, { beforeDevices: true })
          : undefined);
      if (who.state !== 'joined') dispatch({ type: 'joined', id: p.from });
      await session?.onDescription(p.description).catch(() => undefined);
    },
    'call-decline': (p) =>
      context.isCurrent(p.callId)
        ? didNotCome(
            p.from,
            'declined',
            `${nameOf(p.from)} declined to join.`,
            `${nameOf(p.from)} declined the call.`,
          )
        : undefined,
    'call-busy': (p) =>
      context.isCurrent(p.callId)
        ? didNotCome(
            p.from,
            'busy',
            `${nameOf(p.from)} is in another call.`,
            `${nameOf(p.from)} is in another call.`,
          )
        : undefined,
    'call-missed': async (p) => {
      if (!context.isCurrent(p.callId)) return;
      if (state().phase === 'incoming') {
        await context.end('missed', `You missed a call from ${nameOf(p.peer)}.`);
        return;
      }
      await didNotCome(
        p.peer,
        'missed',
        `${nameOf(p.peer)} did not answer.`,
        `${nameOf(p.peer)} did not answer.`,
      );
    },
    'call-cancel': async (p) => {
      if (!context.isCurrent(p.callId)) return;
      if (state().phase === 'incoming')
        await context.end('cancelled', `${nameOf(p.from)} cancelled the call.`);
    },
    'call-answered-elsewhere': (p) => {
      if (!context.isCurrent(p.callId)) return;
      context.forget();
    },
    'end-call': async (p) => {
      if (!context.isCurrent(p.callId)) return;
      const name = nameOf(p.from);
      const s = state();
      if (s.phase === 'incoming') {
        await context.end('cancelled', `${name} cancelled the call.`);
        return;
      }
      // Someone we already let go (their media was lost): the server only now says they left.
      if (!participant(s, p.from)) return;
      if (joinedOthers(s).length > 1 || (s.participants.length > 1 && s.phase !== 'outgoing')) {
        context.dropPeer(p.from, `${name} left the call.`);
        return;
      }
      // The other side gave up on the media: say what happened, not "they hung up".
      if (p.reason === 'media-failed') return context.end('failed', MEDIA_FAILED);
      if (p.reason === 'media-lost') {
        return context.end(
          'failed',
          `The call was lost: the connection to ${name} could not be restored.`,
        );
      }
      return context.end('remote-hung-up', `${name} ended the call.`);
    },
    'media-state': (p) => {
      if (context.isCurrent(p.callId))
        dispatch({ type: 'media-state', id: p.from, state: p.state });
    },
    'recording-state': async (p) => {
      if (context.isCurrent(p.callId)) await recording.onRemote(p.from, p.state);
    },
  };
}
