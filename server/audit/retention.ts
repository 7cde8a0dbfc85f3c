/**
 * Retention: records older than the configured number of days are deleted, at start and then
 * daily. The chain stays verifiable: the last deleted record's hash becomes its anchor, and the
 * prune itself is a record. Several nodes may prune at once; the store's transaction makes the
 * second find nothing left to do.
 */
import type { Logger } from '../log.ts';
import type { AuditStore, PruneResult } from './audit-store.ts';

/** Six years (SEC 17a-4's longest period), leap days included. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 2192;
const DAY_MS = 86_400_000;

export function pruneAudit(
  store: AuditStore,
  retentionDays: number,
  now: number,
): Promise<PruneResult> {
  return store.prune(new Date(now - retentionDays * DAY_MS).toISOString(), new Date(now));
}

export interface RetentionDeps {
  store: AuditStore;
  retentionDays: number;
  log: Logger;
  now?: () => number;
  intervalMs?: number;
}

/** Prunes now and every `intervalMs` (a day) until stopped. */
export function startRetention(deps: RetentionDeps): { stop(): Promise<void> } {
  const { store, retentionDays, log, now = Date.now, intervalMs = DAY_MS } = deps;
  let running: Promise<void> = Promise.resolve();
  const run = (): void => {
    running = running.then(async () => {
      try {
        const { count, anchorSeq } = await pruneAudit(store, retentionDays, now());
        if (count > 0) log('audit.pruned', { count, anchorSeq, retentionDays });
      } catch (error) {
        log('audit.prune-failed', { error: (error as Error).message });
      }
    });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
