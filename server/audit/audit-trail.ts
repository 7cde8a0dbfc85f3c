/**
 * The server's handle on its audit trail. Handlers call `record(type, actor, fields)` where an
 * event is decided: it appends in the background, in the order of the calls, and a failure is
 * logged (the call, the sign-in, goes on). What must not exist without its record (a signed
 * receipt) awaits `append` instead.
 *
 * Fields carry ids, names, times and reasons. Never a token, password, SDP or ICE candidate:
 * callers pass none, and any member whose name says it is one is dropped here regardless.
 */
import type { Logger } from '../log.ts';
import type { AuditFields, AuditRecord, AuditType, JsonValue } from './audit-record.ts';
import type { AuditStore } from './audit-store.ts';

const SECRET = /token|password|secret|sdp|candidate|authorization|credential/i;

function scrub(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(scrub);
  if (value === null || typeof value !== 'object') return value;
  const clean: AuditFields = {};
  for (const [key, member] of Object.entries(value)) {
    if (!SECRET.test(key)) clean[key] = scrub(member);
  }
  return clean;
}

export interface AuditTrail {
  /** Appends in the background, after every earlier record() and append(); never throws. */
  record(type: AuditType, actor: string, fields?: AuditFields): void;
  /** Appends in turn and resolves with the stored record; rejects when it could not be stored. */
  append(type: AuditType, actor: string, fields?: AuditFields): Promise<AuditRecord>;
  /** Resolves once everything recorded so far is stored (or failed and was logged). */
  flush(): Promise<void>;
  store: AuditStore;
}

export function createAuditTrail(
  store: AuditStore,
  log: Logger,
  now: () => number = Date.now,
): AuditTrail {
  let tail: Promise<unknown> = Promise.resolve();
  const append = (type: AuditType, actor: string, fields: AuditFields = {}) => {
    const entry = { type, actor, fields: scrub(fields) as AuditFields };
    const stored = tail.then(() => store.append(entry, new Date(now())));
    tail = stored.catch((error: unknown) => {
      log('audit.append-failed', { type, error: (error as Error).message });
    });
    return stored;
  };
  return {
    record(type, actor, fields) {
      // The failure is logged on `tail`; this promise's own rejection is that same failure.
      append(type, actor, fields).catch(() => undefined);
    },
    append,
    flush: () => tail.then(() => undefined),
    store,
  };
}
