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

export function createMemoryCallRegistry(): CallRegistry {
  const calls = new Map<string, CallRecord>();
  const byUser = new Map<string, string>();
  const callOf = (userId: string): CallRecord | undefined => {
    const id = byUser.get(userId);
    return id === undefined ? undefined : calls.get(id);
  };

  return {
    add(call) {
      if (byUser.has(call.caller) || byUser.has(call.callee)) return Promise.resolve('busy');
      if (calls.has(call.id)) return Promise.resolve('taken');
      calls.set(call.id, call);
      byUser.set(call.caller, call.id);
      byUser.set(call.callee, call.id);
      return Promise.resolve('added');
    },
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
  };
}
