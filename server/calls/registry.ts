/**
 * The calls in progress, behind an interface so that several nodes can share one (Redis, in
 * server/cluster/redis-registry.ts); this one lives in the process's memory. Every method is async
 * because the shared one is; the ones that change a call are atomic in both, so that two nodes
 * racing for the same user or the same call cannot both win.
 *
 * A call is a set of participants (a 1:1 call is the meeting of two: the caller joined, the
 * callee ringing until it answers). Each user is in at most one call, ringing or joined; the
 * registry keeps an index from user to call and refuses to put anyone in two.
 */
export interface ParticipantRecord {
  userId: string;
  /** The socket that speaks for them; null while every one of their devices rings. */
  socket: string | null;
  state: 'ringing' | 'joined';
  /** Who rang them in (the caller, for a 1:1 callee); null for whoever started the call. */
  invitedBy: string | null;
  /** When they last joined (ms): a new value tells the others they came back anew. */
  joinedAt?: number;
  /** Joined, but their socket left: the reconnect grace runs, and a new device may rejoin. */
  away?: boolean;
}

export interface CallRecord {
  id: string;
  startedAt: number;
  participants: ParticipantRecord[];
}

/** `busy`: one of the users is in a call already; `taken`: that call id is in use. */
export type AddResult = 'added' | 'busy' | 'taken';
/** `changed`: the call is no longer as read (or gone); `busy`: a newcomer is in another call. */
export type ReplaceResult = 'replaced' | 'changed' | 'busy';

/**
 * One party's word, after the registry forgot a call (a restart), that call `callId` with `to`
 * goes on from `socketId`. Alone it makes nobody busy; the other party's matching claim makes the
 * call (server/calls/resume.ts says why). At most one per user: a user has one call.
 */
export interface ResumeClaim {
  callId: string;
  userId: string;
  to: string;
  socketId: string;
}

/** The claim the other party of `claim` would have made. */
export const matchesClaim = (mine: ResumeClaim, theirs: ResumeClaim): boolean =>
  theirs.callId === mine.callId && theirs.userId === mine.to && theirs.to === mine.userId;

export const sameClaim = (a: ResumeClaim, b: ResumeClaim): boolean =>
  a.callId === b.callId && a.userId === b.userId && a.to === b.to && a.socketId === b.socketId;

export interface CallRegistry {
  /** Adds the call unless any participant is in a call or the id is taken, in one step. */
  add(call: CallRecord): Promise<AddResult>;
  get(callId: string): Promise<CallRecord | undefined>;
  /** The one call this user is in, ringing or joined, if any. */
  callOf(userId: string): Promise<CallRecord | undefined>;
  /** The user's call, if this socket of theirs speaks for them in it. */
  callOfSocket(userId: string, socketId: string): Promise<CallRecord | undefined>;
  /**
   * Stores `next` only if the call is still exactly `current`, and in the same step indexes the
   * users new in `next` (refusing `busy` if one is in another call) and unindexes those gone.
   */
  replace(current: CallRecord, next: CallRecord): Promise<ReplaceResult>;
  /** Removes the call only if it is still exactly `call`; false when someone changed or ended it first. */
  remove(call: CallRecord): Promise<boolean>;
  /**
   * In one step: returns the other party's live claim matching `claim` (and stores nothing), or
   * stores `claim` as this user's for `ttlMs` (replacing their earlier one) and returns undefined.
   */
  claimResume(claim: ResumeClaim, ttlMs: number): Promise<ResumeClaim | undefined>;
  /** Adds `call` (as `add` does) only while `partner` is still stored, and consumes it. */
  addResumed(call: CallRecord, partner: ResumeClaim): Promise<AddResult | 'gone'>;
  /** Forgets the user's claim if this socket made it (the socket left). */
  dropClaim(userId: string, socketId: string): Promise<void>;
}

/** Always the same field order, so that equal calls encode equal (Redis compares the strings). */
export const encodeCall = (c: CallRecord): string =>
  JSON.stringify({
    id: c.id,
    startedAt: c.startedAt,
    participants: c.participants.map((p) => ({
      userId: p.userId,
      socket: p.socket,
      state: p.state,
      invitedBy: p.invitedBy,
      // Only when set, so a record without them (older ones too) encodes as it always did.
      ...(p.joinedAt === undefined ? {} : { joinedAt: p.joinedAt }),
      ...(p.away ? { away: true } : {}),
    })),
  });

export const sameCall = (a: CallRecord, b: CallRecord): boolean => encodeCall(a) === encodeCall(b);

export const userIds = (call: CallRecord): string[] => call.participants.map((p) => p.userId);

export const participantOf = (call: CallRecord, userId: string): ParticipantRecord | undefined =>
  call.participants.find((p) => p.userId === userId);

export const joinedOf = (call: CallRecord): ParticipantRecord[] =>
  call.participants.filter((p) => p.state === 'joined');

export const speaksIn = (call: CallRecord, userId: string, socketId: string): boolean =>
  participantOf(call, userId)?.socket === socketId;

/** The rule of every change: a call lives while two people are in it and one of them is joined. */
export const callGoesOn = (call: CallRecord): boolean =>
  call.participants.length >= 2 && call.participants.some((p) => p.state === 'joined');

export function createMemoryCallRegistry(now: () => number = Date.now): CallRegistry {
  const calls = new Map<string, CallRecord>();
  const byUser = new Map<string, string>();
  // Keyed by user (one claim each), so memory stays bounded by the number of accounts.
  const claims = new Map<string, { claim: ResumeClaim; until: number }>();
  const callOf = (userId: string): CallRecord | undefined => {
    const id = byUser.get(userId);
    return id === undefined ? undefined : calls.get(id);
  };
  const claimOf = (userId: string): ResumeClaim | undefined => {
    const held = claims.get(userId);
    if (held && held.until > now()) return held.claim;
    claims.delete(userId);
    return undefined;
  };
  const isCurrent = (call: CallRecord): boolean => {
    const stored = calls.get(call.id);
    return stored !== undefined && sameCall(stored, call);
  };
  const add = (call: CallRecord): AddResult => {
    if (userIds(call).some((id) => byUser.has(id))) return 'busy';
    if (calls.has(call.id)) return 'taken';
    calls.set(call.id, call);
    for (const id of userIds(call)) byUser.set(id, call.id);
    return 'added';
  };
  const unindex = (userId: string, callId: string): void => {
    if (byUser.get(userId) === callId) byUser.delete(userId);
  };

  return {
    add: (call) => Promise.resolve(add(call)),
    get: (callId) => Promise.resolve(calls.get(callId)),
    callOf: (userId) => Promise.resolve(callOf(userId)),
    callOfSocket(userId, socketId) {
      const call = callOf(userId);
      return Promise.resolve(call && speaksIn(call, userId, socketId) ? call : undefined);
    },
    replace(current, next) {
      if (!isCurrent(current)) return Promise.resolve('changed');
      const before = userIds(current);
      const after = userIds(next);
      const newcomers = after.filter((id) => !before.includes(id));
      if (newcomers.some((id) => (byUser.get(id) ?? current.id) !== current.id)) {
        return Promise.resolve('busy');
      }
      calls.set(current.id, next);
      for (const id of newcomers) byUser.set(id, current.id);
      for (const id of before) if (!after.includes(id)) unindex(id, current.id);
      return Promise.resolve('replaced');
    },
    remove(call) {
      if (!isCurrent(call)) return Promise.resolve(false);
      calls.delete(call.id);
      for (const id of userIds(call)) unindex(id, call.id);
      return Promise.resolve(true);
    },
    claimResume(claim, ttlMs) {
      const theirs = claimOf(claim.to);
      if (theirs && matchesClaim(claim, theirs)) return Promise.resolve(theirs);
      claims.set(claim.userId, { claim, until: now() + ttlMs });
      return Promise.resolve(undefined);
    },
    addResumed(call, partner) {
      const held = claimOf(partner.userId);
      if (!held || !sameClaim(held, partner)) return Promise.resolve('gone');
      const added = add(call);
      if (added === 'added') claims.delete(partner.userId);
      return Promise.resolve(added);
    },
    dropClaim(userId, socketId) {
      if (claims.get(userId)?.claim.socketId === socketId) claims.delete(userId);
      return Promise.resolve();
    },
  };
}
