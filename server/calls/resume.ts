/**
 * call-resume rebinds a known call to the sender's new socket, or, when the registry forgot the
 * call (a restart), recreates it. The registry cannot tell a real forgotten call from an invented
 * one, and one party's word used to be enough: any circle-mate could make an idle user "in a
 * call" and busy for as long as they liked. So a forgotten call comes back only when BOTH parties
 * name it, each from their own authenticated socket, within `resumeWindowMs` of each other
 * (both apps send call-resume as soon as signaling is back). The first claim is pending: it is
 * acknowledged, blocks nobody and expires on its own; a mallory's claim is never matched, because
 * the victim never resumes a call they are not in. A call the registry knows is resumed only by
 * its own participants (requireParties refuses anyone else), each naming any other participant.
 *
 * A forgotten meeting of three or more comes back a pair at a time: the first pair whose claims
 * match makes the call known again, and then each other participant comes back into it when they
 * and someone already back have named each other (each app names every other participant; a
 * user holds one claim per other participant, registry.ts). Nobody comes in on their own word,
 * and nobody is vouched for by someone not in the call.
 */
import { Refusal } from '../realtime/refusal.ts';
import {
  ATTEMPTS,
  graceJob,
  requireParties,
  withParticipant,
  type CallContext,
  type Handler,
  type Sender,
} from './call-rules.ts';
import { joinedOf, participantOf, userIds, type CallRecord, type ResumeClaim } from './registry.ts';

export function resumeHandler(ctx: CallContext): Handler<'call-resume'> {
  const { registry, log, presence } = ctx;

  /** This socket speaks for the sender in the call now; undefined if the call changed. */
  async function bindSocket(call: CallRecord, sender: Sender): Promise<CallRecord | undefined> {
    const before = participantOf(call, sender.userId)?.socket ?? null;
    const next = withParticipant(call, sender.userId, { socket: sender.socketId, away: false });
    if ((await registry.replace(call, next)) !== 'replaced') return undefined;
    if (before) await ctx.timers.clear(graceJob(call.id, sender.userId, before));
    log('call.resume', { callId: call.id, by: sender.userId, recreated: false });
    return next;
  }

  /** The sender resumes their answered call with `to`, both in it. */
  async function rebind(call: CallRecord, sender: Sender, to: string): Promise<string | undefined> {
    const { me } = requireParties(call, sender, to, true);
    // As in 1:1: a call still ringing everyone but its caller is not resumed (it ends instead).
    if (me.state !== 'joined' || joinedOf(call).length < 2) {
      throw new Refusal('no-such-call', 'The call is not answered yet.', call.id);
    }
    return (await bindSocket(call, sender)) ? call.id : undefined;
  }

  /** A call the registry knows: rebound, or (a meeting coming back) someone vouched back in. */
  async function resumeKnown(
    call: CallRecord,
    sender: Sender,
    to: string,
  ): Promise<string | undefined> {
    const mine = participantOf(call, sender.userId);
    if (mine && participantOf(call, to)) return rebind(call, sender, to);
    // I am not back yet: `to` must be, and must have named me (vouch).
    if (!mine) return vouch(call, sender, to);
    // I am back and `to` is not: my new socket first, then my word for them.
    const bound = mine.state === 'joined' ? await bindSocket(call, sender) : call;
    return bound && vouch(bound, sender, to);
  }

  /**
   * Exactly one of the sender and `to` is in the call, joined: if the other named them too, the
   * other comes back in (from the socket of their own claim); if not yet, this claim waits.
   * Undefined when the call changed meanwhile.
   */
  async function vouch(call: CallRecord, sender: Sender, to: string): Promise<string | undefined> {
    const back = participantOf(call, sender.userId) ?? participantOf(call, to);
    if (back?.state !== 'joined' || !(await ctx.people.mayPair(sender.userId, to))) {
      throw new Refusal('not-in-call', 'You are not a party of that call.', call.id);
    }
    const { mine, partner } = await claim(sender, call.id, to);
    if (!partner) return call.id;
    // Whoever is not in the call yet: the sender, or the one the sender names.
    const comer: ResumeClaim = back.userId === to ? mine : partner;
    const next: CallRecord = {
      ...call,
      participants: [
        ...call.participants,
        { userId: comer.userId, socket: comer.socketId, state: 'joined', invitedBy: comer.to },
      ],
    };
    const joined = await registry.joinResumed(call, next, partner);
    if (joined === 'busy')
      throw new Refusal('no-such-call', 'That call cannot be resumed.', call.id);
    if (joined !== 'replaced') return undefined;
    await cameBack(call.id, sender, to, [comer.userId], userIds(next));
    return call.id;
  }

  /**
   * The sender's word that `callId` goes on with `to`: stored (no partner yet), or met by the
   * other party's matching claim (then the sender's is not stored).
   */
  async function claim(
    sender: Sender,
    callId: string,
    to: string,
  ): Promise<{ mine: ResumeClaim; partner: ResumeClaim | undefined }> {
    const mine = { callId, userId: sender.userId, to, socketId: sender.socketId };
    const partner = await registry.claimResume(mine, ctx.resumeWindowMs);
    if (!partner) log('call.resume-pending', { callId, by: sender.userId });
    return { mine, partner };
  }

  /** `back` are in the forgotten call again: logged, audited, and in-call for everyone but its people. */
  async function cameBack(
    callId: string,
    sender: Sender,
    to: string,
    back: string[],
    people: string[],
  ): Promise<void> {
    log('call.resume', { callId, by: sender.userId, recreated: true });
    ctx.audit.record('call.resumed', sender.userId, { callId, with: to });
    await Promise.all(back.map((userId) => presence.announce(userId, people)));
  }

  return async (sender, payload) => {
    const { callId, to } = payload;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const existing = await registry.get(callId);
      if (existing) {
        const done = await resumeKnown(existing, sender, to);
        if (done) return done;
        continue; // the call changed under us (another node): read it again
      }
      if (!(await ctx.people.mayPair(sender.userId, to))) break;
      const { partner } = await claim(sender, callId, to);
      if (!partner) return callId;
      const added = await registry.addResumed(
        {
          id: callId,
          startedAt: Date.now(),
          participants: [
            { userId: partner.userId, socket: partner.socketId, state: 'joined', invitedBy: null },
            {
              userId: sender.userId,
              socket: sender.socketId,
              state: 'joined',
              invitedBy: partner.userId,
            },
          ],
        },
        partner,
      );
      // 'gone': the partner's socket left meanwhile; 'taken': the call exists now. Read again.
      if (added === 'gone' || added === 'taken') continue;
      if (added === 'busy') break;
      const people = [sender.userId, to];
      await cameBack(callId, sender, to, people, people);
      return callId;
    }
    throw new Refusal('no-such-call', 'That call cannot be resumed.', callId);
  };
}
