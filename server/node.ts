/**
 * Starts one server node from its configuration: the SQLite account store, the shared state
 * (memory, or Redis with `--redis`), the server itself. Used by the CLI and by the cluster tests,
 * which run it as separate processes.
 */
import { createServer } from './app.ts';
import { loadSigningKey } from './auth/signing-key.ts';
import type { ServerConfig } from './config.ts';
import { createLogger, silentLogger } from './log.ts';
import { createMemoryState } from './shared-state.ts';
import type { AccountStore } from './storage/store.ts';

export interface RunningNode {
  url: string;
  stop(): Promise<void>;
}

export async function startNode(config: ServerConfig, store: AccountStore): Promise<RunningNode> {
  const log = config.logEvents ? createLogger() : silentLogger;
  // Loaded only with --redis: the Redis client and adapter cost a single node ~7 MiB of RSS.
  const state = config.redis
    ? await (await import('./cluster/redis-state.ts')).connectRedisState(config.redis, log)
    : createMemoryState();
  const server = createServer({
    config,
    store,
    state,
    signingKey: loadSigningKey(config.dataDir),
    log,
  });
  const url = await server.listen();
  return {
    url,
    async stop() {
      await server.close();
      await state.close();
      store.close();
    },
  };
}
