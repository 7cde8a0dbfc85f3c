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
import type { AuditStore, TimedEntry } from './audit-store.ts';

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

interface Waiting extends TimedEntry {
  stored(record: AuditRecord): void;
  failed(error: unknown): void;
}

/**
 * Appends wait a few milliseconds, and for the write before them, then go in together: one
 * transaction, one disk flush for all of them. One transaction per record cost more than the
 * signaling it records (an fsync each: over half the server's CPU under call load).
 */
const GATHER_MS = 10;

export function createAuditTrail(
  store: AuditStore,
  log: Logger,
  now: () => number = Date.now,
): AuditTrail {
  let waiting: Waiting[] = [];
  let writing: Promise<void> | null = null;

  async function writeWaiting(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const records = await store.appendAll(batch);
        batch.forEach((item, i) => {
          item.stored(records[i] as AuditRecord);
        });
      } catch (error) {
        const { message } = error as Error;
        for (const item of batch) {
          log('audit.append-failed', { type: item.entry.type, error: message });
          item.failed(error);
        }
      }
    }
    writing = null;
  }

  const append = (type: AuditType, actor: string, fields: AuditFields = {}) =>
    new Promise<AuditRecord>((stored, failed) => {
      const entry = { type, actor, fields: scrub(fields) as AuditFields };
      waiting.push({ entry, at: new Date(now()), stored, failed });
      writing ??= new Promise<void>((gathered) => setTimeout(gathered, GATHER_MS)).then(
        writeWaiting,
      );
    });

  return {
    record(type, actor, fields) {
      // A failure is logged by writeWaiting.
      append(type, actor, fields).catch(() => undefined);
    },
    append,
    flush: async () => {
      while (writing) await writing;
    },
    store,
  };
}
