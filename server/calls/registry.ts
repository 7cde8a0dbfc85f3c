/**
 * The calls in progress, behind an interface so that several nodes can share one (Redis, in
 * server/cluster/redis-registry.ts); this one lives in the process's memory. Every method is async
 * because the shared one is; the ones that change a call are atomic in both, so that two nodes
 * racing for the same user or the same call cannot both win.
 */
export interface CallRecord {
  id: string;
  caller: string;
  /** The caller's socket that placed the call: the only one of the caller's that speaks for it. */
  callerSocket: string;
  callee: string;
  /** The callee's socket that answered; null while every device of the callee rings. */
  calleeSocket: string | null;
  state: 'ringing' | 'active';
  startedAt: number;
}

/** `busy`: one of the two users is in a call already; `taken`: that call id is in use. */
export type AddResult = 'added' | 'busy' | 'taken';

/**
 * One party's word, after the registry forgot a call (a restart), that call `callId` with `to`
 * goes on from `socketId`. Alone it makes nobody busy; the other party's matching claim makes the
 * call (server/calls/handlers.ts says why). At most one per user: a user has one call.
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
  /** Adds the call unless either party is in a call or the id is taken, in one step. */
  add(call: CallRecord): Promise<AddResult>;
  get(callId: string): Promise<CallRecord | undefined>;
  /** The call this user is a party of, if any (1:1 calls: at most one). */
  callOf(userId: string): Promise<CallRecord | undefined>;
  /** The user's call, if this socket of theirs speaks for them in it. */
  callOfSocket(userId: string, socketId: string): Promise<CallRecord | undefined>;
  /** Stores `next` only if the call is still exactly `current`; false when someone changed it first. */
  replace(current: CallRecord, next: CallRecord): Promise<boolean>;
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

export const sameCall = (a: CallRecord, b: CallRecord): boolean =>
  a.id === b.id &&
  a.caller === b.caller &&
  a.callerSocket === b.callerSocket &&
  a.callee === b.callee &&
  a.calleeSocket === b.calleeSocket &&
  a.state === b.state &&
  a.startedAt === b.startedAt;

export const speaksIn = (call: CallRecord, userId: string, socketId: string): boolean =>
  (call.caller === userId && call.callerSocket === socketId) ||
  (call.callee === userId && call.calleeSocket === socketId);

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
  const add = (call: CallRecord): AddResult => {
    if (byUser.has(call.caller) || byUser.has(call.callee)) return 'busy';
    if (calls.has(call.id)) return 'taken';
    calls.set(call.id, call);
    byUser.set(call.caller, call.id);
    byUser.set(call.callee, call.id);
    return 'added';
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
      const stored = calls.get(current.id);
      if (!stored || !sameCall(stored, current)) return Promise.resolve(false);
      calls.set(next.id, next);
      return Promise.resolve(true);
    },
    remove(call) {
      const stored = calls.get(call.id);
      if (!stored || !sameCall(stored, call)) return Promise.resolve(false);
      calls.delete(call.id);
      if (byUser.get(call.caller) === call.id) byUser.delete(call.caller);
      if (byUser.get(call.callee) === call.id) byUser.delete(call.callee);
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
