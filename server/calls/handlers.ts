/**
 * Call rules, one handler per client event. Each validates nothing itself (dispatch did),
 * authorises the sender against the call registry, acts, and delivers to the participants it
 * concerns only. A refused message throws Refusal. The handlers live by concern:
 *
 * - call-rules.ts: finding the call, speaker checks, delivery, changing a call atomically
 * - ring-handlers.ts: call-offer, call-answer, call-decline, call-cancel
 * - meeting-handlers.ts: call-invite, call-join (meetings of up to MAX_PARTICIPANTS)
 * - relay-handlers.ts: ice-candidate (and held-candidates.ts), the mid-call messages
 * - resume.ts: call-resume after a reconnect or a server restart
 * - departures.ts: end-call, a socket that left, the ring and grace timers
 */
import type { CallEvent, CallHandlerDeps, Handler } from './call-rules.ts';
import { departures } from './departures.ts';
import { createHeldCandidates } from './held-candidates.ts';
import { meetingHandlers } from './meeting-handlers.ts';
import { relayHandlers } from './relay-handlers.ts';
import { resumeHandler } from './resume.ts';
import { ringHandlers } from './ring-handlers.ts';

export type { CallHandlerDeps, Sender } from './call-rules.ts';

export function createCallHandlers(deps: CallHandlerDeps) {
  // The timers call back into departures, which needs the timers: bound once both exist.
  let onDue: (job: string) => Promise<void> = () => Promise.resolve();
  const ctx = { ...deps, timers: deps.timers((job) => onDue(job)) };
  const held = createHeldCandidates();
  const leaving = departures(ctx, held);
  onDue = leaving.onTimer;

  const handlers: { [E in CallEvent]: Handler<E> } = {
    ...ringHandlers(ctx, held),
    ...meetingHandlers(ctx),
    ...relayHandlers(ctx, held),
    'end-call': leaving.end,
    'call-resume': resumeHandler(ctx),
  };
  return {
    handlers,
    disconnected: leaving.disconnected,
    /** The user has no connection left on any node: a ring to them ends now. */
    offline: leaving.offline,
    /** The user's account was disabled: out of their call now, with no reconnect grace. */
    removed: leaving.removed,
    close: () => {
      ctx.timers.close();
    },
  };
}
