/**
 * Ringing someone and what they do about it: call-offer starts a call (the caller joined, the
 * callee ringing on every device), call-answer takes it, call-decline refuses it, call-cancel
 * withdraws it. The seed's 1:1 call is these four; a meeting invitee who declines or is
 * withdrawn goes through the same rules.
 */
import { randomUUID } from 'node:crypto';
import { isGuestId } from '../../shared/protocol/guest.ts';
import { recordRang } from '../audit/call-records.ts';
import { Refusal } from '../realtime/refusal.ts';
import {
  findCall,
  mustChange,
  reportBusy,
  requireEnabled,
  requireParties,
  requireSpeaker,
  ringJob,
  settle,
  tellInviter,
  withParticipant,
  without,
  type CallContext,
  type Handler,
} from './call-rules.ts';
import { SEED_NEXT_CALL, type HeldCandidates } from './held-candidates.ts';
import { participantOf, type CallRecord } from './registry.ts';

export function ringHandlers(ctx: CallContext, held: HeldCandidates) {
  const { registry, delivery, presence, log } = ctx;

  const offer: Handler<'call-offer'> = async (sender, payload) => {
    await requireEnabled(ctx, sender);
    const { to } = payload;
    if (to === sender.userId) throw new Refusal('not-allowed', 'You cannot call yourself.');
    const callee = await ctx.people.ringable(sender.userId, to);
    if (!callee) {
      const why = isGuestId(to)
        ? 'You can only call a guest you let in yourself.'
        : 'You can only call members of your circles.';
      throw new Refusal('not-allowed', why);
    }
    if (payload.callId && (await registry.get(payload.callId))) {
      throw new Refusal('invalid-payload', 'That call id is in use.', payload.callId);
    }
    if (await registry.callOf(sender.userId)) {
      throw new Refusal('caller-busy', 'You are in a call already; hang up first.');
    }
    const callId = payload.callId ?? randomUUID();
    if (await registry.callOf(to)) return reportBusy(ctx, sender, to, callId);
    if (!(await ctx.connections.isOnline(to))) {
      throw new Refusal('unavailable', `${callee.displayName} is not online.`, callId);
    }
    const call: CallRecord = {
      id: callId,
      startedAt: Date.now(),
      participants: [
        {
          userId: sender.userId,
          socket: sender.socketId,
          state: 'joined',
          invitedBy: null,
          joinedAt: Date.now(),
        },
        { userId: to, socket: null, state: 'ringing', invitedBy: sender.userId },
      ],
    };
    // The checks above were reads; this is the one atomic step (another node may have raced us).
    const added = await registry.add(call);
    if (added === 'taken') throw new Refusal('invalid-payload', 'That call id is in use.', callId);
    if (added === 'busy') return reportBusy(ctx, sender, to, callId);
    log('call.ring', { callId, from: sender.userId, to });
    recordRang(ctx, callId, sender, to, callee);
    delivery.toUser(to, 'call-offer', {
      offer: payload.offer,
      from: sender.userId,
      fromName: sender.displayName,
      callId,
    });
    const early = held.take(sender.socketId, payload.callId ?? SEED_NEXT_CALL, to);
    for (const candidate of early) {
      delivery.toUser(to, 'ice-candidate', { candidate, from: sender.userId, callId });
    }
    await ctx.timers.set(ringJob(callId, to), ctx.ringTimeoutMs);
    const people = [sender.userId, to];
    await Promise.all(people.map((userId) => presence.announce(userId, people)));
    return callId;
  };

  /** The ringing callee takes the call on this socket; the answer goes to `to` (the caller). */
  const answer: Handler<'call-answer'> = async (sender, payload) => {
    await requireEnabled(ctx, sender);
    const found = await findCall(ctx, sender, payload.to, payload.callId);
    const result = await mustChange(ctx, found, (call) => {
      const { me, them } = requireParties(call, sender, payload.to, true);
      if (me.invitedBy === null)
        throw new Refusal('not-in-call', 'Only the callee answers.', call.id);
      if (me.state !== 'ringing') {
        throw new Refusal('not-in-call', 'This call was answered on another device.', call.id);
      }
      if (them.state !== 'joined') {
        throw new Refusal('not-in-call', 'They have not joined this call.', call.id);
      }
      return withParticipant(call, sender.userId, {
        state: 'joined',
        socket: sender.socketId,
        joinedAt: Date.now(),
      });
    });
    const { after } = result;
    log('call.answer', { callId: after.id, by: sender.userId });
    const caller = participantOf(after, payload.to);
    if (caller?.socket) {
      delivery.toSocket(caller.socket, 'call-answer', {
        answer: payload.answer,
        from: sender.userId,
        callId: after.id,
      });
    }
    delivery.toUser(
      sender.userId,
      'call-answered-elsewhere',
      { callId: after.id },
      sender.socketId,
    );
    await settle(ctx, result, 'answered');
    return after.id;
  };

  /** A ringing participant says no: the call goes on without them, or ends if they were needed. */
  const decline: Handler<'call-decline'> = async (sender, payload) => {
    const found = await findCall(ctx, sender, payload.to, payload.callId);
    const result = await mustChange(ctx, found, (call) => {
      const me = participantOf(call, sender.userId);
      if (me?.state !== 'ringing' || me.invitedBy === null) {
        throw new Refusal('not-in-call', 'Only a ringing callee declines.', call.id);
      }
      return without(call, sender.userId);
    });
    const id = result.after.id;
    const inviter = participantOf(result.before, sender.userId)?.invitedBy ?? null;
    log('call.decline', { callId: id, by: sender.userId });
    tellInviter(ctx, result, inviter, 'call-decline', { from: sender.userId, callId: id });
    delivery.toUser(sender.userId, 'call-answered-elsewhere', { callId: id }, sender.socketId);
    await settle(ctx, result, 'declined');
    return id;
  };

  /** The inviter of a ringing participant withdraws the invitation (1:1: the caller gives up). */
  const cancel: Handler<'call-cancel'> = async (sender, payload) => {
    const { to } = payload;
    const found = await findCall(ctx, sender, to, payload.callId);
    const result = await mustChange(ctx, found, (call) => {
      const { me, them } = requireParties(call, sender, to, true);
      if (them.state !== 'ringing' || them.invitedBy !== sender.userId) {
        throw new Refusal('not-in-call', 'Only the caller cancels a ringing call.', call.id);
      }
      requireSpeaker(call, me, sender);
      return without(call, to);
    });
    const id = result.after.id;
    log('call.cancel', { callId: id, by: sender.userId, to });
    delivery.toUser(to, 'call-cancel', { from: sender.userId, callId: id });
    await settle(ctx, result, 'cancelled');
    return id;
  };

  return {
    'call-offer': offer,
    'call-answer': answer,
    'call-decline': decline,
    'call-cancel': cancel,
  };
}
