/**
 * Starts one server node from its configuration: the database (SQLite in the data folder, or the
 * PostgreSQL all nodes share) and the keys in it, the shared state (memory, or Redis with
 * `--redis`), the server itself. Used by the CLI and by the cluster tests, which run it as
 * separate processes.
 */
import { createServer } from './app.ts';
import { createAuditTrail } from './audit/audit-trail.ts';
import { loadTokenKeys } from './auth/signing-key.ts';
import type { ServerConfig } from './config.ts';
import { plainHttpWarning } from './http/plain-http-warning.ts';
import { createLogger, silentLogger } from './log.ts';
import { loadReceiptSigner } from './recordings/receipt-key.ts';
import { createMemoryState, type SharedState } from './shared-state.ts';
import { openDatabase, type Database } from './storage/database.ts';

export interface RunningNode {
  url: string;
  stop(): Promise<void>;
}

/** The database the configuration names, opened and migrated (keys made unless told not to). */
export const openNodeDatabase = (config: ServerConfig): Promise<Database> =>
  openDatabase({
    dataDir: config.dataDir,
    url: config.databaseUrl,
    seedKeys: !config.requireSharedKeys,
  });

/**
 * `write`: where log lines go (stdout by default). `adaptState`: tests only, to stall a node at
 * a chosen step before they kill it (server/testing/cluster-node.ts).
 */
export async function startNode(
  config: ServerConfig,
  database: Database,
  write?: (line: string) => void,
  adaptState: (state: SharedState) => SharedState = (state) => state,
): Promise<RunningNode> {
  // First, and even with --quiet: it is about the configuration, not an event.
  const exposed = plainHttpWarning(config.host, config.tls !== undefined);
  if (exposed) createLogger(write)('server.plain-http', { host: config.host, message: exposed });
  const log = config.logEvents ? createLogger(write) : silentLogger;
  const store = database.accounts;
  // Before anything else starts: a node with no key to sign with says so and stops here.
  const keys = await loadTokenKeys(
    { store, signingKeyFile: config.signingKeyFile },
    {
      onError: (error) => {
        log('keys.reload-failed', { error: (error as Error).message });
      },
    },
  );
  const receiptSigner = await loadReceiptSigner(store);
  // Loaded only with --redis: the Redis client and adapter cost a single node ~7 MiB of RSS.
  const state = adaptState(
    config.redis
      ? await (await import('./cluster/redis-state.ts')).connectRedisState(config.redis, log)
      : createMemoryState(),
  );
  const server = createServer({
    config,
    store,
    state,
    keys,
    log,
    // Even with --quiet: a record that could not be stored must be seen.
    audit: createAuditTrail(database.audit, createLogger(write)),
    receiptSigner,
  });
  const url = await server.listen();
  return {
    url,
    async stop() {
      await server.close();
      keys.stop();
      await state.close();
      await database.close();
    },
  };
}
