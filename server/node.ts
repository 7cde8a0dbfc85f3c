/**
 * Starts one server node from its configuration: the SQLite account store, the shared state
 * (memory, or Redis with `--redis`), the server itself. Used by the CLI and by the cluster tests,
 * which run it as separate processes.
 */
import { createServer } from './app.ts';
import { createAuditTrail } from './audit/audit-trail.ts';
import { openSqliteAuditStore } from './audit/sqlite-audit-store.ts';
import { loadSigningKey } from './auth/signing-key.ts';
import type { ServerConfig } from './config.ts';
import { plainHttpWarning } from './http/plain-http-warning.ts';
import { createLogger, silentLogger } from './log.ts';
import { loadReceiptKey } from './recordings/receipt-key.ts';
import { createMemoryState } from './shared-state.ts';
import type { AccountStore } from './storage/store.ts';

export interface RunningNode {
  url: string;
  stop(): Promise<void>;
}

/** `write`: where log lines go (stdout by default). */
export async function startNode(
  config: ServerConfig,
  store: AccountStore,
  write?: (line: string) => void,
): Promise<RunningNode> {
  // First, and even with --quiet: it is about the configuration, not an event.
  const exposed = plainHttpWarning(config.host, config.tls !== undefined);
  if (exposed) createLogger(write)('server.plain-http', { host: config.host, message: exposed });
  const log = config.logEvents ? createLogger(write) : silentLogger;
  // Loaded only with --redis: the Redis client and adapter cost a single node ~7 MiB of RSS.
  const state = config.redis
    ? await (await import('./cluster/redis-state.ts')).connectRedisState(config.redis, log)
    : createMemoryState();
  const auditStore = openSqliteAuditStore(config.dataDir);
  const server = createServer({
    config,
    store,
    state,
    signingKey: loadSigningKey(config.dataDir),
    log,
    // Even with --quiet: a record that could not be stored must be seen.
    audit: createAuditTrail(auditStore, createLogger(write)),
    receiptSigner: loadReceiptKey(config.dataDir),
  });
  const url = await server.listen();
  return {
    url,
    async stop() {
      await server.close();
      await state.close();
      auditStore.close();
      store.close();
    },
  };
}
