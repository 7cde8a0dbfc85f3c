/**
 * The calls in progress. Behind an interface so that several nodes can share one (Redis) later;
 * this one lives in the process's memory.
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

export interface CallRegistry {
  add(call: CallRecord): void;
  get(callId: string): CallRecord | undefined;
  /** The call this user is a party of, if any (1:1 calls: at most one). */
  callOf(userId: string): CallRecord | undefined;
  /** The call between these two users, if any. */
  between(a: string, b: string): CallRecord | undefined;
  /** Calls in which this socket speaks for a party. */
  callsOfSocket(socketId: string): CallRecord[];
  update(call: CallRecord): void;
  remove(callId: string): CallRecord | undefined;
}

export function createMemoryCallRegistry(): CallRegistry {
  const calls = new Map<string, CallRecord>();
  const byUser = new Map<string, string>();

  return {
    add(call) {
      calls.set(call.id, call);
      byUser.set(call.caller, call.id);
      byUser.set(call.callee, call.id);
    },
    get: (callId) => calls.get(callId),
    callOf(userId) {
      const id = byUser.get(userId);
      return id === undefined ? undefined : calls.get(id);
    },
    between(a, b) {
      const id = byUser.get(a);
      const call = id === undefined ? undefined : calls.get(id);
      if (!call) return undefined;
      return (call.caller === a && call.callee === b) || (call.caller === b && call.callee === a)
        ? call
        : undefined;
    },
    callsOfSocket(socketId) {
      return [...calls.values()].filter(
        (call) => call.callerSocket === socketId || call.calleeSocket === socketId,
      );
    },
    update(call) {
      calls.set(call.id, call);
    },
    remove(callId) {
      const call = calls.get(callId);
      if (!call) return undefined;
      calls.delete(callId);
      if (byUser.get(call.caller) === callId) byUser.delete(call.caller);
      if (byUser.get(call.callee) === callId) byUser.delete(call.callee);
      return call;
    },
  };
}
