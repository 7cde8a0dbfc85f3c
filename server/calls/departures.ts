/**
 * Leaving a call: a hang-up (end-call), a socket that went away (at once when it was the only
 * joined one, else after the reconnect grace), a ring that timed out, a ringing user whose last
 * device went, and a user whose account was disabled. The call goes on while two people remain
 * and one of them is joined; otherwise it ends for everyone (see callGoesOn). Timer jobs arrive
 * here as strings (call-rules.ts), on whichever node is alive when they fall due.
 */
import {
  change,
  findCall,
  graceJob,
  mustChange,
  requireParties,
  requireSpeaker,
  settle,
  tellInviter,
  tellLeft,
  without,
  type CallContext,
  type Handler,
} from './call-rules.ts';
import type { HeldCandidates } from './held-candidates.ts';
import { markAway, ringToRejoin } from './rejoin.ts';
import { joinedOf, participantOf, speaksIn, type CallRecord } from './registry.ts';

export function departures(ctx: CallContext, held: HeldCandidates) {
  const { registry, delivery, log } = ctx;

  /** The sender leaves the call; `to` is any other participant (the seed's other party). */
  const end: Handler<'end-call'> = async (sender, payload) => {
    const found = await findCall(ctx, sender, payload.to, payload.callId);
    const result = await mustChange(ctx, found, (call) => {
      const { me } = requireParties(call, sender, payload.to, true);
      requireSpeaker(call, me, sender);
      return without(call, sender.userId);
    });
    const id = result.after.id;
    tellLeft(ctx, result, sender.userId, payload.reason);
    // A ringing participant's hang-up is a refusal from every one of their devices.
    if (participantOf(result.before, sender.userId)?.state === 'ringing') {
      delivery.toUser(sender.userId, 'call-answered-elsewhere', { callId: id }, sender.socketId);
    }
    await settle(ctx, result, 'hung-up');
    return id;
  };

  /**
   * A socket left (or the node it was on died, see server/cluster/node-liveness.ts). If it spoke
   * for the only joined participant (a caller whose callee still rings), the call is cancelled
   * now; otherwise its participant leaves after the grace period unless they resume first.
   */
  async function disconnected(gone: { userId: string; socketId: string }): Promise<void> {
    held.drop(gone.socketId);
    // A pending resume from a socket that left must not bind a dead socket into a call. Dropped
    // first: a partner's addResumed either ran before (then the call is found below) or fails.
    await registry.dropClaim(gone.userId, gone.socketId);
    const call = await registry.callOfSocket(gone.userId, gone.socketId);
    if (!call) return;
    const result = await change(ctx, call, (c) =>
      speaksIn(c, gone.userId, gone.socketId) && joinedOf(c).length === 1
        ? without(c, gone.userId)
        : undefined,
    );
    if (result && result !== 'busy') {
      for (const p of result.after.participants) {
        delivery.toUser(p.userId, 'call-cancel', { from: gone.userId, callId: call.id });
      }
      await settle(ctx, result, 'caller-left');
      return;
    }
    // Away: a new device of theirs may rejoin (rejoin.ts). The grace timer checks again when it
    // fires: setting it for a call that changed is harmless.
    await markAway(ctx, call, gone);
    await ctx.timers.set(graceJob(call.id, gone.userId, gone.socketId), ctx.disconnectGraceMs);
  }

  /** The grace ran out and the socket still speaks for them: they leave as by a hang-up. */
  async function graceOver(callId: string, userId: string, socketId: string): Promise<void> {
    const call = await registry.get(callId);
    if (!call) return;
    const step = (c: typeof call) =>
      speaksIn(c, userId, socketId) ? without(c, userId) : undefined;
    const result = await change(ctx, call, step);
    if (!result || result === 'busy') return;
    tellLeft(ctx, result, userId);
    // A device of theirs that was rung to rejoin (rejoin.ts) stops ringing.
    delivery.toUser(userId, 'call-cancel', { from: userId, callId });
    await settle(ctx, result, 'party-left');
  }

  /**
   * `invitee` no longer rings in the call (nobody answered in time, or their last device went):
   * they are out of it. The inviter (and, if that ended the call, whoever remained) hears
   * call-missed for them; their devices hear it for the inviter.
   */
  async function dropRinging(call: CallRecord, invitee: string, reason: string): Promise<void> {
    const result = await change(ctx, call, (c) =>
      participantOf(c, invitee)?.state === 'ringing' ? without(c, invitee) : undefined,
    );
    if (!result || result === 'busy') return;
    const callId = call.id;
    const inviter = participantOf(result.before, invitee)?.invitedBy ?? null;
    tellInviter(ctx, result, inviter, 'call-missed', { callId, peer: invitee });
    delivery.toUser(invitee, 'call-missed', { callId, peer: inviter ?? invitee });
    await settle(ctx, result, reason);
  }

  /**
   * Nobody answered `userId` in time. Jobs set before meetings name no user: then everyone
   * still ringing is missed.
   */
  async function ringOver(callId: string, userId: string): Promise<void> {
    const first = await registry.get(callId);
    const ringing = first?.participants.filter((p) => p.state === 'ringing') ?? [];
    for (const invitee of userId ? [userId] : ringing.map((p) => p.userId)) {
      const call = await registry.get(callId);
      if (!call) return;
      await dropRinging(call, invitee, 'missed');
    }
  }

  /**
   * The user's last connection went (on any node) while they still ring: no device of theirs
   * can answer, and one that connects later never heard the offer. Told now, not at the ring
   * timeout.
   */
  async function offline(userId: string): Promise<void> {
    const call = await registry.callOf(userId);
    if (call) await dropRinging(call, userId, 'unreachable');
  }

  /** The user's account was disabled: they leave their call at once, with no grace to come back. */
  async function removed(userId: string): Promise<void> {
    const call = await registry.callOf(userId);
    const me = call && participantOf(call, userId);
    if (!call || !me) return;
    if (me.state === 'ringing') {
      await dropRinging(call, userId, 'account-disabled');
      return;
    }
    const result = await change(ctx, call, (c) =>
      participantOf(c, userId) ? without(c, userId) : undefined,
    );
    if (!result || result === 'busy') return;
    tellLeft(ctx, result, userId);
    await settle(ctx, result, 'account-disabled');
  }

  async function onTimer(job: string): Promise<void> {
    const [kind, callId = '', userId = '', socketId = ''] = job.split(':');
    try {
      if (kind === 'ring') await ringOver(callId, userId);
      else if (kind === 'grace') await graceOver(callId, userId, socketId);
      else if (kind === 'rering') await ringToRejoin(ctx, callId, userId);
    } catch (error) {
      log('call.timer-error', { kind, callId, error: (error as Error).name });
    }
  }

  return { end, disconnected, offline, removed, onTimer };
}
