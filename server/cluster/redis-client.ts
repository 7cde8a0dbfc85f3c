/**
 * The Redis connection every shared piece uses: one client per node (the Socket.io adapter makes
 * its own duplicates for reading), Lua scripts run by hash, and a retry for what is safe to
 * repeat when the connection drops under a command (a Redis restart).
 */
import { createHash } from 'node:crypto';
import { createClient, ErrorReply } from 'redis';
import type { Logger } from '../log.ts';

const newClient = (url: string) =>
  createClient({
    url,
    // Come back within a second of Redis returning; commands sent meanwhile wait in the queue.
    socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) },
  });
export type Redis = ReturnType<typeof newClient>;

/** Runs `connect`, or calls `abandon` and fails with `what` once `timeoutMs` have passed. */
export async function connectWithin(
  connect: () => Promise<unknown>,
  abandon: () => void,
  timeoutMs: number,
  what: string,
  lastError = () => '',
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon();
      reject(new Error(`${what} within ${timeoutMs / 1000} s: ${lastError() || 'no answer'}`));
    }, timeoutMs);
  });
  try {
    await Promise.race([connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects, or fails after `timeoutMs` with a message fit for IT (no URL: it may hold a password). */
export async function connectRedis(url: string, log: Logger, timeoutMs = 10_000): Promise<Redis> {
  const client = newClient(url);
  let down = false;
  let lastError = '';
  // Logged once per outage, by name and code only: the message may carry the address.
  client.on('error', (error: Error) => {
    lastError = (error as NodeJS.ErrnoException).code ?? error.name;
    if (!down) log('redis.error', { error: lastError });
    down = true;
  });
  client.on('ready', () => {
    if (down) log('redis.ready', {});
    down = false;
  });
  await connectWithin(
    () => client.connect(),
    () => {
      client.destroy();
    },
    timeoutMs,
    'cannot reach Redis (--redis / RR_REDIS_URL)',
    () => lastError,
  );
  return client;
}

/** A connection-level failure (not an error Redis answered with): the command may not have run. */
export const isConnectionError = (error: unknown): boolean => !(error instanceof ErrorReply);

/** Runs `command` again once the client is back: only for commands that do the same thing twice. */
export async function retrying<T>(command: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (error) {
      if (attempt >= attempts || !isConnectionError(error)) throw error;
    }
  }
}

export type Script = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/** A Lua script sent once and then run by its SHA-1 (EVALSHA), loaded again if Redis forgot it. */
export function script(client: Redis, source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (keys, args) => {
    const rest = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await client.sendCommand(['EVALSHA', sha, ...rest]);
    } catch (error) {
      if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', source, ...rest]);
    }
  };
}

/** Redis's own clock in ms, inside a script: one clock for every node. */
export const LUA_NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
