/**
 * Meetings: a joined participant rings one more person into the call (call-invite), and that
 * person takes it (call-join); then each joined participant offers to the joiner over
 * call-renegotiate (in every pair, whoever joined first offers). Declined, missed and withdrawn
 * invitations go through ring-handlers.ts and departures.ts, as a 1:1 callee's would.
 *
 * The circle rule: the inviter must share a circle with the invitee (or have admitted them, for a
 * guest: see people.ts), exactly as a caller must with a callee. The other participants need not: a meeting may hold people who could not call each
 * other directly, because someone each of them trusts brought them in.
 */
import { isGuestId } from '../../shared/protocol/guest.ts';
import { MAX_PARTICIPANTS } from '../../shared/protocol/signaling.ts';
import { Refusal } from '../realtime/refusal.ts';
import {
  change,
  findCall,
  graceJob,
  mustChange,
  participantsView,
  reportBusy,
  requireEnabled,
  ringJob,
  settle,
  withParticipant,
  type CallContext,
  type Handler,
  type Sender,
} from './call-rules.ts';
import { participantOf, type CallRecord } from './registry.ts';

export function meetingHandlers(ctx: CallContext) {
  const { registry, delivery, log } = ctx;

  /** Only a joined participant invites, from the socket that speaks for them. */
  function requireInviter(call: CallRecord, sender: Sender): void {
    const me = participantOf(call, sender.userId);
    if (me?.state !== 'joined' || me.socket !== sender.socketId) {
      const why = !me
        ? 'You are not a party of that call.'
        : me.state === 'ringing'
          ? 'Join the call before inviting anyone.'
          : 'Another of your devices is in this call.';
      throw new Refusal('not-in-call', why, call.id);
    }
  }

  /** Refuses unless `sender` may ring `to` into `call` as it is now. */
  function checkInvite(call: CallRecord, sender: Sender, to: string, name: string): void {
    requireInviter(call, sender);
    if (participantOf(call, to)) {
      throw new Refusal('invalid-payload', `${name} is already in this meeting.`, call.id);
    }
    if (call.participants.length >= MAX_PARTICIPANTS) {
      throw new Refusal(
        'meeting-full',
        `This meeting is full (${MAX_PARTICIPANTS} people).`,
        call.id,
      );
    }
  }

  const invite: Handler<'call-invite'> = async (sender, { to, callId }) => {
    await requireEnabled(ctx, sender);
    const found = await registry.get(callId);
    if (!found) throw new Refusal('no-such-call', 'There is no such call.', callId);
    requireInviter(found, sender);
    if (to === sender.userId)
      throw new Refusal('not-allowed', 'You cannot invite yourself.', callId);
    const invitee = await ctx.people.ringable(sender.userId, to);
    if (!invitee) {
      const why = isGuestId(to)
        ? 'You can only invite a guest you let in yourself.'
        : 'You can only invite members of your circles.';
      throw new Refusal('not-allowed', why, callId);
    }
    const name = invitee.displayName;
    checkInvite(found, sender, to, name);
    if (!(await ctx.connections.isOnline(to))) {
      throw new Refusal('unavailable', `${name} is not online.`, callId);
    }
    if (await registry.callOf(to)) return reportBusy(ctx, sender, to, callId);
    // The reads above were checks; this is the atomic step: the registry refuses `busy` if a call
    // to the invitee (from any node) got there first.
    const result = await change(ctx, found, (call) => {
      checkInvite(call, sender, to, name);
      return {
        ...call,
        participants: [
          ...call.participants,
          { userId: to, socket: null, state: 'ringing', invitedBy: sender.userId },
        ],
      };
    });
    if (result === 'busy') return reportBusy(ctx, sender, to, callId);
    if (!result) throw new Refusal('no-such-call', 'That call has ended.', callId);
    log('call.invite', { callId, from: sender.userId, to });
    delivery.toUser(to, 'call-invite', {
      from: sender.userId,
      fromName: sender.displayName,
      callId,
      participants: await participantsView(ctx, result.after),
    });
    await ctx.timers.set(ringJob(callId, to), ctx.ringTimeoutMs);
    await settle(ctx, result, 'invited');
    return callId;
  };

  /** A ringing participant takes the call on this socket (`to`: whoever rang them, or anyone in it). */
  const join: Handler<'call-join'> = async (sender, { to, callId }) => {
    await requireEnabled(ctx, sender);
    const found = await findCall(ctx, sender, to, callId);
    const result = await mustChange(ctx, found, (call) => {
      const me = participantOf(call, sender.userId);
      // Ringing, or joined but away (their app crashed; this is its return, see rejoin.ts).
      if (me?.state !== 'ringing' && !me?.away) {
        throw new Refusal(
          'not-in-call',
          me ? 'You joined this call on another device.' : 'You were not invited.',
          call.id,
        );
      }
      return withParticipant(call, sender.userId, {
        state: 'joined',
        socket: sender.socketId,
        joinedAt: Date.now(),
        away: false,
      });
    });
    const before = participantOf(result.before, sender.userId);
    if (before?.away && before.socket) {
      await ctx.timers.clear(graceJob(callId, sender.userId, before.socket));
    }
    log('call.join', { callId, by: sender.userId });
    delivery.toUser(sender.userId, 'call-answered-elsewhere', { callId }, sender.socketId);
    await settle(ctx, result, 'joined');
    return callId;
  };

  return { 'call-invite': invite, 'call-join': join };
}
