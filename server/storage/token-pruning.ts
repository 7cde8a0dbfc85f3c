/**
 * Expired refresh tokens are deleted at start and then hourly: a used or revoked token is kept
 * until it expires (presenting it before then revokes its family), never longer. Several nodes
 * may prune at once; the second finds nothing left.
 */
import type { Logger } from '../log.ts';
import type { AccountStore } from './store.ts';

const HOUR_MS = 3_600_000;

export interface TokenPruningDeps {
  store: AccountStore;
  log: Logger;
  now?: () => number;
  intervalMs?: number;
}

export function startTokenPruning(deps: TokenPruningDeps): { stop(): Promise<void> } {
  const { store, log, now = Date.now, intervalMs = HOUR_MS } = deps;
  let running: Promise<void> = Promise.resolve();
  const run = (): void => {
    running = running.then(async () => {
      try {
        const count = await store.pruneRefreshTokens(now());
        if (count > 0) log('auth.tokens-pruned', { count });
      } catch (error) {
        log('auth.token-prune-failed', { error: (error as Error).message });
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
