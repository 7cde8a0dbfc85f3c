/**
 * What every call handler shares: finding the call a message belongs to, checking that the sender
 * speaks for a participant of it, delivering to participants, and changing the call. The registry
 * may be shared by several nodes, so every change is a compare-and-set on the call as it was read:
 * of two nodes racing (an answer and the ring timeout, two devices answering, an invite and a
 * call to the same user), exactly one wins and the other sees the call as it now is.
 */
import type {
  ClientEventName,
  ClientPayload,
  Participant,
  ServerEventName,
  ServerPayload,
} from '../../shared/protocol/signaling.ts';
import { isGuestId } from '../../shared/protocol/guest.ts';
import { recordChange } from '../audit/call-records.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { Logger } from '../log.ts';
import type { Presence } from '../presence/announcer.ts';
import type { ConnectionCounter } from '../presence/presence.ts';
import { ACCOUNT_DISABLED_MESSAGE, accountEnabled } from '../realtime/account-watch.ts';
import type { Delivery } from '../realtime/delivery.ts';
import { Refusal } from '../realtime/refusal.ts';
import type { AccountStore } from '../storage/store.ts';
import type { People } from './people.ts';
import {
  callGoesOn,
  joinedOf,
  participantOf,
  userIds,
  type CallRecord,
  type CallRegistry,
  type ParticipantRecord,
} from './registry.ts';
import type { CallTimers, TimerFactory } from './timers.ts';

export interface Sender {
  userId: string;
  displayName: string;
  socketId: string;
}

export interface CallHandlerDeps {
  store: AccountStore;
  registry: CallRegistry;
  connections: ConnectionCounter;
  delivery: Delivery;
  presence: Presence;
  /** Names participants (members and guests) and says who may ring whom. */
  people: People;
  log: Logger;
  /** Every change to a call is recorded here (settle), with the rings, busies and resumes. */
  audit: AuditTrail;
  timers: TimerFactory;
  ringTimeoutMs: number;
  /** How long a participant's socket may be gone before they leave the call (reconnects). */
  disconnectGraceMs: number;
  /** How long one party's call-resume of a forgotten call waits for the other's (see resume.ts). */
  resumeWindowMs: number;
}

/** The deps, with the timers made (their handler is server/calls/departures.ts). */
export type CallContext = Omit<CallHandlerDeps, 'timers'> & { timers: CallTimers };

export type CallEvent = Exclude<ClientEventName, 'auth-renew' | 'guest-admit' | 'guest-deny'>;
export type Handler<E extends CallEvent> = (
  sender: Sender,
  payload: ClientPayload<E>,
) => Promise<string>;

/** A compare-and-set that keeps losing means the call is changing under us; give up then. */
export const ATTEMPTS = 5;

// Timer jobs name everything their handler needs, so any node can run them (ids hold no ':').
export const ringJob = (callId: string, userId: string): string => `ring:${callId}:${userId}`;
export const graceJob = (callId: string, userId: string, socketId: string): string =>
  `grace:${callId}:${userId}:${socketId}`;

/** The call named by `callId`, or (seed clients name none) the sender's one call. */
export async function readCall(
  ctx: CallContext,
  sender: Sender,
  callId: string | undefined,
): Promise<CallRecord> {
  const call = callId ? await ctx.registry.get(callId) : await ctx.registry.callOf(sender.userId);
  if (!call) throw new Refusal('no-such-call', 'There is no such call.', callId);
  return call;
}

/** Refuses unless the sender and `to` are two participants of the call. */
export function requireParties(
  call: CallRecord,
  sender: Sender,
  to: string,
  named: boolean,
): { me: ParticipantRecord; them: ParticipantRecord } {
  const me = participantOf(call, sender.userId);
  const them = to === sender.userId ? undefined : participantOf(call, to);
  if (!me || !them) {
    throw new Refusal(
      named ? 'not-in-call' : 'no-such-call',
      named ? 'You are not a party of that call.' : 'There is no such call.',
      named ? call.id : undefined,
    );
  }
  return { me, them };
}

/** The call this message belongs to, with the sender and `to` both participants of it. */
export async function findCall(
  ctx: CallContext,
  sender: Sender,
  to: string,
  callId: string | undefined,
): Promise<CallRecord> {
  const call = await readCall(ctx, sender, callId);
  requireParties(call, sender, to, callId !== undefined);
  return call;
}

/** Refuses a member whose account was disabled since their socket connected (account-watch.ts). */
export async function requireEnabled(ctx: CallContext, sender: Sender): Promise<void> {
  if (isGuestId(sender.userId) || (await accountEnabled(ctx.store, sender.userId))) return;
  throw new Refusal('not-allowed', ACCOUNT_DISABLED_MESSAGE);
}

/** Refuses unless this socket speaks for the participant (any device may, while they ring). */
export function requireSpeaker(call: CallRecord, me: ParticipantRecord, sender: Sender): void {
  if (me.socket !== null && me.socket !== sender.socketId) {
    throw new Refusal('not-in-call', 'Another of your devices is in this call.', call.id);
  }
}

/** To a participant: the socket that speaks for them, or every device while they ring. */
export function deliver<E extends ServerEventName>(
  ctx: CallContext,
  to: ParticipantRecord,
  event: E,
  payload: ServerPayload<E>,
): void {
  if (to.socket) ctx.delivery.toSocket(to.socket, event, payload);
  else ctx.delivery.toUser(to.userId, event, payload);
}

export const without = (call: CallRecord, userId: string): CallRecord => ({
  ...call,
  participants: call.participants.filter((p) => p.userId !== userId),
});

export const withParticipant = (
  call: CallRecord,
  userId: string,
  patch: Partial<Omit<ParticipantRecord, 'userId'>>,
): CallRecord => ({
  ...call,
  participants: call.participants.map((p) => (p.userId === userId ? { ...p, ...patch } : p)),
});

/** The call's people as the wire names them; a guest is marked `guest: true` (members omit it). */
export const participantsView = (ctx: CallContext, call: CallRecord): Promise<Participant[]> =>
  Promise.all(
    call.participants.map(async (p) => {
      const { displayName, guest } = await ctx.people.describe(p.userId);
      return {
        userId: p.userId,
        displayName,
        state: p.state,
        ...(p.joinedAt === undefined ? {} : { joinedAt: p.joinedAt }),
        ...(guest ? { guest: true } : {}),
      };
    }),
  );

/** A stored change: the call before, the call after (its remaining people, when it ended). */
export interface Change {
  before: CallRecord;
  after: CallRecord;
  ended: boolean;
}

/**
 * Applies `step` to the call as stored: `step` refuses (throws), declines (undefined: it no longer
 * applies) or returns the next call. A next call that does not go on (see callGoesOn) removes it.
 * Starts from `call` as the caller read it, and reads again whenever another node changed it.
 * `busy`: a user new in the next call is in another call. Undefined: gone, declined or contended.
 */
export async function change(
  ctx: CallContext,
  call: CallRecord,
  step: (current: CallRecord) => CallRecord | undefined,
): Promise<Change | 'busy' | undefined> {
  let current: CallRecord | undefined = call;
  for (let attempt = 0; attempt < ATTEMPTS && current; attempt++) {
    const after = step(current);
    if (!after) return undefined;
    if (!callGoesOn(after)) {
      if (await ctx.registry.remove(current)) return { before: current, after, ended: true };
    } else {
      const stored = await ctx.registry.replace(current, after);
      if (stored === 'replaced') return { before: current, after, ended: false };
      if (stored === 'busy') return 'busy';
    }
    current = await ctx.registry.get(call.id);
  }
  return undefined;
}

/** `change` for a handler: a call another node ended (or kept changing) is refused as ended. */
export async function mustChange(
  ctx: CallContext,
  call: CallRecord,
  step: (current: CallRecord) => CallRecord,
): Promise<Change> {
  const result = await change(ctx, call, step);
  if (!result || result === 'busy')
    throw new Refusal('no-such-call', 'That call has ended.', call.id);
  return result;
}

/** Tells every joined participant who is in the call now. */
export async function tellParticipants(ctx: CallContext, call: CallRecord): Promise<void> {
  const payload = { callId: call.id, participants: await participantsView(ctx, call) };
  for (const p of joinedOf(call)) deliver(ctx, p, 'call-participants', payload);
}

/**
 * To the inviter of someone who left (a decline, a missed ring) if they are still joined, and,
 * when that ended the call, to whoever else remained, so nobody is left in a call that is gone.
 */
export function tellInviter<E extends 'call-decline' | 'call-missed'>(
  ctx: CallContext,
  { after, ended }: Change,
  inviter: string | null,
  event: E,
  payload: ServerPayload<E>,
): void {
  for (const p of joinedOf(after)) {
    if (p.userId === inviter || ended) deliver(ctx, p, event, payload);
  }
}

/** Someone left: remaining joined participants hear end-call; ringing ones only if it ended. */
export function tellLeft(
  ctx: CallContext,
  { after, ended }: Change,
  leaver: string,
  reason?: ClientPayload<'end-call'>['reason'],
): void {
  const payload = { from: leaver, callId: after.id, ...(reason ? { reason } : {}) };
  for (const p of after.participants) {
    if (p.state === 'joined' || ended) deliver(ctx, p, 'end-call', payload);
  }
}

/**
 * What follows every change, once its own news is delivered: stops the timers of whoever left or
 * stopped ringing, announces presence, and tells the joined who is in the call now (or logs its
 * end). Presence on an end skips the call's own people, who learn it from the call, as 1:1 did.
 */
export async function settle(ctx: CallContext, result: Change, reason: string): Promise<void> {
  const { before, after, ended } = result;
  const id = before.id;
  const gone = before.participants.filter((p) => ended || !participantOf(after, p.userId));
  const jobs: string[] = [];
  for (const p of before.participants) {
    const now = ended ? undefined : participantOf(after, p.userId);
    if (p.state === 'ringing' && now?.state !== 'ringing') jobs.push(ringJob(id, p.userId));
    if (p.socket && !now) jobs.push(graceJob(id, p.userId, p.socket));
  }
  await Promise.all(jobs.map((job) => ctx.timers.clear(job)));
  await recordChange(ctx, result, reason);
  if (ended) {
    ctx.log('call.end', {
      callId: id,
      reason,
      seconds: Math.round((Date.now() - before.startedAt) / 1000),
    });
    const people = userIds(before);
    await Promise.all(people.map((userId) => ctx.presence.announce(userId, people)));
    return;
  }
  for (const p of gone) ctx.log('call.leave', { callId: id, userId: p.userId, reason });
  const added = userIds(after).filter((userId) => !participantOf(before, userId));
  const changed = [...gone.map((p) => p.userId), ...added];
  await Promise.all(changed.map((userId) => ctx.presence.announce(userId)));
  await tellParticipants(ctx, after);
}

/** The sender's call is busy for `to`: as a busy callee, answered on the sender's socket. */
export function reportBusy(ctx: CallContext, sender: Sender, to: string, callId: string): string {
  ctx.log('call.busy', { callId, from: sender.userId, to });
  ctx.audit.record('call.busy', sender.userId, { callId, to });
  ctx.delivery.toSocket(sender.socketId, 'call-busy', { from: to, callId });
  return callId;
}
