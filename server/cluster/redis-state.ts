/**
 * `--redis <url>`: the shared state of several nodes in one Redis. Socket.io's Redis Streams
 * adapter carries emits between nodes (a stream, so a Redis restart loses none: each node reads
 * on from its last offset, and once-publisher.ts puts each emit in exactly once); calls,
 * connection counts, call timers, sign-in and knock limits and the guests' lobby are ours. The per-socket message budget
 * stays in each node's memory: a socket lives on one node only.
 */
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { KNOCK_LIMIT } from '../auth/rate-limit.ts';
import { createSignInLimits } from '../auth/sign-in-limits.ts';
import type { RedisOptions } from '../config.ts';
import type { Logger } from '../log.ts';
import type { GoneSocket, SharedState } from '../shared-state.ts';
import { watchNodes } from './node-liveness.ts';
import { oncePublisher } from './once-publisher.ts';
import { connectRedis } from './redis-client.ts';
import { createRedisConnectionCounter } from './redis-connections.ts';
import { createRedisLobby } from './redis-lobby.ts';
import { createRedisRateLimiter } from './redis-rate-limit.ts';
import { createRedisCallRegistry } from './redis-registry.ts';
import { createRedisTimers } from './redis-timers.ts';

export async function connectRedisState(options: RedisOptions, log: Logger): Promise<SharedState> {
  const client = await connectRedis(options.url, log);
  const nodeId = randomUUID();
  const connections = createRedisConnectionCounter(client, nodeId);
  let watcher: { stop(): Promise<void> } | undefined;
  log('cluster.join', { nodeId });

  return {
    registry: createRedisCallRegistry(client),
    connections,
    timers: createRedisTimers(client, options.timerPollMs, log),
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
      await client.close();
    },
  };
}
