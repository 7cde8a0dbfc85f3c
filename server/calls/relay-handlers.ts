/**
 * Messages passed between two participants of one call and nobody else: ICE candidates (from the
 * first ring on) and the mid-call messages (renegotiation, media and recording state) once both
 * have joined. In a meeting any two joined participants pair up this way, each pair its own
 * peer connection.
 */
import type { ClientPayload, ServerPayload } from '../../shared/protocol/signaling.ts';
import { recordRecordingState } from '../audit/call-records.ts';
import { Refusal } from '../realtime/refusal.ts';
import {
  deliver,
  findCall,
  requireParties,
  requireSpeaker,
  type CallContext,
  type Handler,
  type Sender,
} from './call-rules.ts';
import { SEED_NEXT_CALL, type HeldCandidates } from './held-candidates.ts';
import type { ParticipantRecord } from './registry.ts';

type MidCallEvent = 'call-renegotiate' | 'media-state' | 'recording-state';

const notAnswered = (callId: string): Refusal =>
  new Refusal('no-such-call', 'The call is not answered yet.', callId);

/**
 * While someone rings, candidates pass only between them and whoever rang them: the inviter's go
 * to every ringing device, and any ringing device may send its own back (both as in 1:1).
 */
const candidatesFlow = (me: ParticipantRecord, them: ParticipantRecord): boolean =>
  me.state === 'joined'
    ? them.state === 'joined' || them.invitedBy === me.userId
    : them.state === 'joined' && me.invitedBy === them.userId;

export function relayHandlers(ctx: CallContext, held: HeldCandidates) {
  const candidate: Handler<'ice-candidate'> = async (sender, payload) => {
    const { to, callId } = payload;
    // A call id nobody has made yet, or (a seed client, which names no call) no call yet: this
    // socket's offer may be a moment behind (held-candidates.ts). '' is a seed client's next call.
    const call = callId ? await ctx.registry.get(callId) : await ctx.registry.callOf(sender.userId);
    if (!call) {
      if (held.hold(sender.socketId, callId ?? SEED_NEXT_CALL, to, payload.candidate))
        return callId ?? '';
      throw new Refusal('no-such-call', 'There is no such call.', callId);
    }
    const { me, them } = requireParties(call, sender, to, callId !== undefined);
    requireSpeaker(call, me, sender);
    if (!candidatesFlow(me, them)) throw notAnswered(call.id);
    deliver(ctx, them, 'ice-candidate', {
      candidate: payload.candidate,
      from: sender.userId,
      callId: call.id,
    });
    return call.id;
  };

  /** The mid-call messages: only between the speaking sockets of two joined participants. */
  function midCall<E extends MidCallEvent>(
    event: E,
    body: (payload: ClientPayload<E>) => Omit<ServerPayload<E>, 'from' | 'callId'>,
    /** After delivery: what the server records of it (recording and consent states). */
    relayed?: (sender: Sender, payload: ClientPayload<E>, callId: string) => void,
  ): Handler<E> {
    return async (sender, payload) => {
      const call = await findCall(ctx, sender, payload.to, payload.callId);
      const { me, them } = requireParties(call, sender, payload.to, true);
      if (me.state !== 'joined' || them.state !== 'joined') throw notAnswered(call.id);
      requireSpeaker(call, me, sender);
      deliver(ctx, them, event, {
        ...body(payload),
        from: sender.userId,
        callId: call.id,
      } as ServerPayload<E>);
      relayed?.(sender, payload, call.id);
      return call.id;
    };
  }

  return {
    'ice-candidate': candidate,
    'call-renegotiate': midCall('call-renegotiate', (p) => ({ description: p.description })),
    'media-state': midCall('media-state', (p) => ({ state: p.state })),
    'recording-state': midCall(
      'recording-state',
      (p) => ({ state: p.state }),
      (sender, p, id) => {
        recordRecordingState(ctx, sender, id, p.to, p.state);
      },
    ),
  };
}
