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
 * call, or brings `to` back into it (server/calls/resume.ts says why). A user has one call, so
 * one claim per other participant of it: at most MAX_CLAIMS, all for the same call.
 */
export interface ResumeClaim {
  callId: string;
  userId: string;
  to: string;
  socketId: string;
}

/** A meeting has four people at most: three others for each to name. */
export const MAX_CLAIMS = 3;

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
   * stores `claim` for `ttlMs` among this user's claims and returns undefined. A claim for
   * another call or from another socket replaces all the user's earlier ones.
   */
  claimResume(claim: ResumeClaim, ttlMs: number): Promise<ResumeClaim | undefined>;
  /** Adds `call` (as `add` does) only while `partner` is still stored, and consumes it. */
  addResumed(call: CallRecord, partner: ResumeClaim): Promise<AddResult | 'gone'>;
  /**
   * Replaces `current` with `next` (as `replace` does: `next` brings the partner back) only
   * while `partner` is still stored, and consumes it.
   */
  joinResumed(
    current: CallRecord,
    next: CallRecord,
    partner: ResumeClaim,
  ): Promise<ReplaceResult | 'gone'>;
  /** Forgets the user's claims if this socket made them (the socket left). */
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
  // Keyed by user, then by whom they name (MAX_CLAIMS at most): bounded by the number of accounts.
  const claims = new Map<string, Map<string, { claim: ResumeClaim; until: number }>>();
  const callOf = (userId: string): CallRecord | undefined => {
    const id = byUser.get(userId);
    return id === undefined ? undefined : calls.get(id);
  };
  /** `userId`'s live claim naming `to`. */
  const claimOf = (userId: string, to: string): ResumeClaim | undefined => {
    const held = claims.get(userId)?.get(to);
    if (held && held.until > now()) return held.claim;
    claims.get(userId)?.delete(to);
    return undefined;
  };
  const store = (claim: ResumeClaim, ttlMs: number): void => {
    const mine =
      claims.get(claim.userId) ?? new Map<string, { claim: ResumeClaim; until: number }>();
    const [other] = mine.values();
    if (other && (other.claim.callId !== claim.callId || other.claim.socketId !== claim.socketId))
      mine.clear();
    mine.delete(claim.to);
    // The oldest goes first (a Map keeps insertion order).
    for (const oldest of [...mine.keys()].slice(0, Math.max(0, mine.size - MAX_CLAIMS + 1)))
      mine.delete(oldest);
    mine.set(claim.to, { claim, until: now() + ttlMs });
    claims.set(claim.userId, mine);
  };
  /** `partner` is still stored exactly as it was read. */
  const stillHeld = (partner: ResumeClaim): boolean => {
    const held = claimOf(partner.userId, partner.to);
    return held !== undefined && sameClaim(held, partner);
  };
  const consume = (partner: ResumeClaim): void => {
    claims.get(partner.userId)?.delete(partner.to);
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

  const replace = (current: CallRecord, next: CallRecord): ReplaceResult => {
    if (!isCurrent(current)) return 'changed';
    const before = userIds(current);
    const after = userIds(next);
    const newcomers = after.filter((id) => !before.includes(id));
    if (newcomers.some((id) => (byUser.get(id) ?? current.id) !== current.id)) return 'busy';
    calls.set(current.id, next);
    for (const id of newcomers) byUser.set(id, current.id);
    for (const id of before) if (!after.includes(id)) unindex(id, current.id);
    return 'replaced';
  };

  return {
    add: (call) => Promise.resolve(add(call)),
    get: (callId) => Promise.resolve(calls.get(callId)),
    callOf: (userId) => Promise.resolve(callOf(userId)),
    callOfSocket(userId, socketId) {
      const call = callOf(userId);
      return Promise.resolve(call && speaksIn(call, userId, socketId) ? call : undefined);
    },
    replace: (current, next) => Promise.resolve(replace(current, next)),
    remove(call) {
      if (!isCurrent(call)) return Promise.resolve(false);
      calls.delete(call.id);
      for (const id of userIds(call)) unindex(id, call.id);
      return Promise.resolve(true);
    },
    claimResume(claim, ttlMs) {
      const theirs = claimOf(claim.to, claim.userId);
      if (theirs && matchesClaim(claim, theirs)) return Promise.resolve(theirs);
      store(claim, ttlMs);
      return Promise.resolve(undefined);
    },
    addResumed(call, partner) {
      if (!stillHeld(partner)) return Promise.resolve('gone');
      const added = add(call);
      if (added === 'added') consume(partner);
      return Promise.resolve(added);
    },
    joinResumed(current, next, partner) {
      if (!stillHeld(partner)) return Promise.resolve('gone');
      const replaced = replace(current, next);
      if (replaced === 'replaced') consume(partner);
      return Promise.resolve(replaced);
    },
    dropClaim(userId, socketId) {
      const mine = claims.get(userId);
      const [any] = mine?.values() ?? [];
      // All of a user's claims come from one socket (store).
      if (any?.claim.socketId === socketId) claims.delete(userId);
      return Promise.resolve();
    },
  };
}
