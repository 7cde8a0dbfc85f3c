/**
 * What a call's audit records say, derived where its changes are settled (call-rules.ts's
 * settle), so every path that changes a call (handlers, timers, disconnects, disabled accounts)
 * records it without a line of its own. Each record names the call, the person concerned, and
 * the reason; the end names everyone still in it (and whether they had joined), its times and
 * its duration.
 */
import type { RecordingState } from '../../shared/protocol/signaling.ts';
import type { CallContext, Change, Sender } from '../calls/call-rules.ts';
import type { Person } from '../calls/people.ts';
import { participantOf, type CallRecord, type ParticipantRecord } from '../calls/registry.ts';
import { SERVER_ACTOR, type AuditFields, type AuditType } from './audit-record.ts';

type AuditContext = Pick<CallContext, 'audit' | 'people' | 'log'>;

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (from: number, to: number): number => Math.max(0, Math.round((to - from) / 1000));

/** A participant as records name them: id, name, and guest when they are one. */
export const personFields = (userId: string, person: Person): AuditFields => ({
  userId,
  displayName: person.displayName,
  ...(person.guest ? { guest: true } : {}),
});

async function named(ctx: AuditContext, p: ParticipantRecord): Promise<AuditFields> {
  return personFields(p.userId, await ctx.people.describe(p.userId));
}

/** A caller rang someone: the call exists now, the caller joined, the callee ringing. */
export function recordRang(
  ctx: AuditContext,
  callId: string,
  sender: Sender,
  to: string,
  callee: Person,
): void {
  ctx.audit.record('call.rang', sender.userId, {
    callId,
    to,
    participants: [
      personFields(sender.userId, { displayName: sender.displayName, guest: false }),
      personFields(to, callee),
    ],
  });
}

/** Someone no longer in the call: how they went depends on whether they had joined. */
function goneRecord(
  p: ParticipantRecord,
  reason: string,
  now: number,
): [AuditType, string, AuditFields] {
  const who = { userId: p.userId, reason };
  if (p.state === 'ringing') {
    if (reason === 'declined' || reason === 'hung-up') return ['call.declined', p.userId, who];
    if (reason === 'cancelled') return ['call.cancelled', p.invitedBy ?? SERVER_ACTOR, who];
    return ['call.missed', SERVER_ACTOR, { ...who, invitedBy: p.invitedBy }];
  }
  const actor = reason === 'hung-up' || reason === 'caller-left' ? p.userId : SERVER_ACTOR;
  const stayed: AuditFields = p.joinedAt === undefined ? {} : { seconds: seconds(p.joinedAt, now) };
  return ['call.left', actor, { ...who, ...stayed }];
}

/** The records of one settled change; `reason` is settle's (answered, declined, missed…). */
export async function recordChange(
  ctx: AuditContext,
  change: Change,
  reason: string,
): Promise<void> {
  const { before, after, ended } = change;
  const callId = before.id;
  const now = Date.now();
  try {
    for (const p of before.participants) {
      const next = participantOf(after, p.userId);
      if (!next) {
        const [type, actor, fields] = goneRecord(p, reason, now);
        ctx.audit.record(type, actor, { callId, ...fields });
      } else if (next.state === 'joined' && (p.state === 'ringing' || (p.away && !next.away))) {
        const type = reason === 'answered' ? 'call.answered' : 'call.joined';
        ctx.audit.record(type, p.userId, {
          callId,
          ...(await named(ctx, p)),
          ...(p.away ? { rejoined: true } : {}),
        });
      }
    }
    for (const p of after.participants) {
      if (participantOf(before, p.userId)) continue;
      ctx.audit.record('call.invited', p.invitedBy ?? SERVER_ACTOR, {
        callId,
        ...(await named(ctx, p)),
      });
    }
    if (ended) await recordEnd(ctx, before, reason, now);
  } catch (error) {
    ctx.log('audit.call-record-failed', { callId, error: (error as Error).name });
  }
}

async function recordEnd(
  ctx: AuditContext,
  call: CallRecord,
  reason: string,
  now: number,
): Promise<void> {
  ctx.audit.record('call.ended', SERVER_ACTOR, {
    callId: call.id,
    reason,
    startedAt: iso(call.startedAt),
    endedAt: iso(now),
    seconds: seconds(call.startedAt, now),
    // Still ringing at the end means they never joined (a caller who gave up, say).
    participants: await Promise.all(
      call.participants.map(async (p) => ({ ...(await named(ctx, p)), state: p.state })),
    ),
  });
}

const RECORDING_TYPES: Record<RecordingState, AuditType> = {
  started: 'recording.started',
  stopped: 'recording.stopped',
  'consent-requested': 'recording.consent-requested',
  'consent-granted': 'recording.consent-granted',
  'consent-denied': 'recording.consent-refused',
};

/** A recording-state message the server relayed: who told whom what, in which call. */
export function recordRecordingState(
  ctx: AuditContext,
  sender: Sender,
  callId: string,
  to: string,
  state: RecordingState,
): void {
  ctx.audit.record(RECORDING_TYPES[state], sender.userId, { callId, to });
}
