/**
 * `--redis <url>` (or `--redis-sentinel`): the shared state of several nodes in one Redis.
 * Socket.io's Redis Streams adapter carries emits between nodes (a stream, so a Redis restart
 * loses none: each node reads on from its last offset, and once-publisher.ts puts each emit in
 * exactly once); calls (with a TTL each node keeps fresh on the calls its sockets are in),
 * connection counts, call timers, sign-in and knock limits and the guests' lobby are ours. The
 * per-socket message budget stays in each node's memory: a socket lives on one node only.
 */
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { KNOCK_LIMIT } from '../auth/rate-limit.ts';
import { createSignInLimits } from '../auth/sign-in-limits.ts';
import type { RedisOptions } from './redis-config.ts';
import type { Logger } from '../log.ts';
import type { GoneSocket, SharedState } from '../shared-state.ts';
import { watchNodes } from './node-liveness.ts';
import { oncePublisher } from './once-publisher.ts';
import { connectRedis } from './redis-client.ts';
import { DEFAULT_CALL_TTL_MS, DEFAULT_TIMER_LEASE_MS } from './redis-config.ts';
import { createRedisConnectionCounter, type RedisConnectionCounter } from './redis-connections.ts';
import { createRedisLobby } from './redis-lobby.ts';
import { createRedisRateLimiter } from './redis-rate-limit.ts';
import { createRedisCallRegistry, type RedisCallRegistry } from './redis-registry.ts';
import { connectSentinel } from './redis-sentinel-client.ts';
import { createRedisTimers } from './redis-timers.ts';

/** Every `everyMs`, refreshes the TTL of the calls this node's sockets speak in. */
function keepHeldCallsAlive(
  registry: RedisCallRegistry,
  connections: RedisConnectionCounter,
  everyMs: number,
  log: Logger,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const loop = (): void => {
    running = registry
      .refreshHeld((socketId) => connections.holds(socketId))
      .catch((error: unknown) => {
        log('cluster.call-refresh-failed', { error: (error as Error).name });
      })
      .then(() => {
        if (!stopped) timer = setTimeout(loop, everyMs);
      });
  };
  timer = setTimeout(loop, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export async function connectRedisState(options: RedisOptions, log: Logger): Promise<SharedState> {
  const client = options.sentinel
    ? await connectSentinel(options.sentinel, log)
    : await connectRedis(options.url ?? '', log);
  const nodeId = randomUUID();
  const connections = createRedisConnectionCounter(client, nodeId);
  const callTtlMs = options.callTtlMs ?? DEFAULT_CALL_TTL_MS;
  const registry = createRedisCallRegistry(client, callTtlMs);
  // Three refreshes per TTL: a call outlives one refresh lost to a Redis hiccup.
  const refresher = keepHeldCallsAlive(registry, connections, callTtlMs / 3, log);
  let watcher: { stop(): Promise<void> } | undefined;
  log('cluster.join', { nodeId });

  return {
    registry,
    connections,
    timers: createRedisTimers(
      client,
      {
        pollMs: options.timerPollMs,
        leaseMs: options.timerLeaseMs ?? DEFAULT_TIMER_LEASE_MS,
      },
      log,
    ),
    signIn: createSignInLimits((name, limit) =>
      createRedisRateLimiter(client, `sign-in-${name}`, limit),
    ),
    knockLimiter: createRedisRateLimiter(client, 'guest-knock', KNOCK_LIMIT),
    lobby: createRedisLobby(client),
    adapter: createAdapter(oncePublisher(client), {
      streamName: 'rr:signaling',
      channelPrefix: 'rr:signaling',
      // Our payloads are JSON; skip the adapter's scan of each one for binary data.
      onlyPlaintext: true,
    }),
    onNodeDeath(handle: (gone: GoneSocket) => Promise<void>) {
      watcher = watchNodes(client, {
        nodeId,
        heartbeatMs: options.heartbeatMs,
        deadAfterMs: options.deadAfterMs,
        log,
        async reap(dead) {
          for (const gone of await connections.reapNode(dead)) await handle(gone);
        },
        revived: () => connections.reregister(),
      });
    },
    async close() {
      await watcher?.stop();
      await refresher.stop();
      await client.close();
    },
  };
}
