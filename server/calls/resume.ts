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
 * A forgotten meeting of three or more comes back only between the first pair whose claims match
 * (each claim names one other participant): the call is then known again, with those two, and
 * every other participant's resume is refused as not-in-call, since nobody can vouch for them
 * now. Their apps hang up, and one of the pair can invite them again.
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
import { joinedOf, type CallRecord } from './registry.ts';

export function resumeHandler(ctx: CallContext): Handler<'call-resume'> {
  const { registry, log, presence } = ctx;

  /** This socket speaks for the sender in their answered call now; undefined if it changed. */
  async function rebind(call: CallRecord, sender: Sender, to: string): Promise<string | undefined> {
    const { me } = requireParties(call, sender, to, true);
    // As in 1:1: a call still ringing everyone but its caller is not resumed (it ends instead).
    if (me.state !== 'joined' || joinedOf(call).length < 2) {
      throw new Refusal('no-such-call', 'The call is not answered yet.', call.id);
    }
    const next = withParticipant(call, sender.userId, { socket: sender.socketId, away: false });
    if ((await registry.replace(call, next)) !== 'replaced') return undefined;
    if (me.socket) await ctx.timers.clear(graceJob(call.id, sender.userId, me.socket));
    log('call.resume', { callId: call.id, by: sender.userId, recreated: false });
    return call.id;
  }

  return async (sender, payload) => {
    const { callId, to } = payload;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const existing = await registry.get(callId);
      if (existing) {
        const rebound = await rebind(existing, sender, to);
        if (rebound) return rebound;
        continue; // the call changed under us (another node): read it again
      }
      if (!(await ctx.people.mayPair(sender.userId, to))) break;
      const mine = { callId, userId: sender.userId, to, socketId: sender.socketId };
      const partner = await registry.claimResume(mine, ctx.resumeWindowMs);
      if (!partner) {
        log('call.resume-pending', { callId, by: sender.userId });
        return callId;
      }
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
      log('call.resume', { callId, by: sender.userId, recreated: true });
      ctx.audit.record('call.resumed', sender.userId, { callId, with: to });
      const people = [sender.userId, to];
      await Promise.all(people.map((userId) => presence.announce(userId, people)));
      return callId;
    }
    throw new Refusal('no-such-call', 'That call cannot be resumed.', callId);
  };
}
