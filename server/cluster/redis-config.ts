/**
 * Which Redis the nodes share, from the flags and RR_* variables: one Redis (`--redis <url>`) or
 * a Sentinel-watched master (`--redis-sentinel host:port,… --redis-master-name <name>`), and the
 * timings of the shared state. No import of the Redis client here: a single node never loads it.
 */
import { ConfigError, list } from '../config-options.ts';

export interface SentinelOptions {
  /** Any of the sentinels; the client learns the others and the master from them. */
  nodes: { host: string; port: number }[];
  /** The name the sentinels monitor the master under (`sentinel monitor <name> …`). */
  masterName: string;
  /** The master's and replicas' `requirepass` (RR_REDIS_PASSWORD); the sentinels need none. */
  password?: string;
}

/** Several nodes sharing one Redis. The timings have no flags; tests shorten them. */
export interface RedisOptions {
  /** One Redis, `redis://` or `rediss://`. Absent when `sentinel` names the Redis. */
  url?: string;
  sentinel?: SentinelOptions;
  /** How often a node says it is alive. */
  heartbeatMs: number;
  /** Silence after which a node is taken for dead and a live one cleans up after it. */
  deadAfterMs: number;
  /** How often each node looks for call timers that fell due. */
  timerPollMs: number;
  /**
   * How long a call and its participants' busy markers outlive their last refresh (every change,
   * and a refresh by each node holding a socket of the call every third of it). Default 60 s.
   */
  callTtlMs?: number;
  /** How long a node may run a claimed timer job before another node runs it again. Default 10 s. */
  timerLeaseMs?: number;
}

export const DEFAULT_CALL_TTL_MS = 60_000;
export const DEFAULT_TIMER_LEASE_MS = 10_000;

export interface RedisFlags {
  redis?: string;
  'redis-sentinel'?: string[];
  'redis-master-name'?: string;
}

/** `host:port` or `[v6]:port`. */
function sentinelNode(raw: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`--redis-sentinel takes host:port pairs; got "${raw}".`);
  }
  return { host, port };
}

export function parseRedisOptions(
  values: RedisFlags,
  env: NodeJS.ProcessEnv,
): RedisOptions | undefined {
  const url = values.redis ?? (env.RR_REDIS_URL || undefined);
  const sentinels = list(values['redis-sentinel'], env.RR_REDIS_SENTINELS);
  const masterName = values['redis-master-name'] ?? (env.RR_REDIS_MASTER_NAME || undefined);
  if (url !== undefined && sentinels.length > 0) {
    throw new ConfigError('Name one Redis: either --redis or --redis-sentinel, not both.');
  }
  if (url === undefined && sentinels.length === 0) {
    if (masterName !== undefined) {
      throw new ConfigError('--redis-master-name needs --redis-sentinel (the sentinels to ask).');
    }
    return undefined;
  }
  if (url !== undefined && !/^rediss?:\/\/[^\s]+$/.test(url)) {
    // Not echoed: it may hold a password.
    throw new ConfigError('--redis must be a redis:// or rediss:// URL.');
  }
  if (sentinels.length > 0 && !masterName) {
    throw new ConfigError(
      '--redis-sentinel needs --redis-master-name: the name the sentinels monitor the master under.',
    );
  }
  const password = env.RR_REDIS_PASSWORD || undefined;
  return {
    ...(url === undefined
      ? {
          sentinel: {
            nodes: sentinels.map(sentinelNode),
            masterName: masterName ?? '',
            ...(password ? { password } : {}),
          },
        }
      : { url }),
    heartbeatMs: 1_000,
    deadAfterMs: 5_000,
    timerPollMs: 250,
    callTtlMs: DEFAULT_CALL_TTL_MS,
    timerLeaseMs: DEFAULT_TIMER_LEASE_MS,
  };
}
