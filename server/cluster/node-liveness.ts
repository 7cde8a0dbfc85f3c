/**
 * Which nodes are alive. Each node writes a heartbeat (Redis's clock) into `rr:nodes`; a node
 * that has not for `deadAfterMs` is dead, and exactly one live node (the script that finds it
 * also removes it) cleans up after it: counts its sockets out and treats each as disconnected,
 * so its calls end after the reconnect grace unless the parties resume them on another node.
 *
 * After a Redis outage every heartbeat is stale at once, so a node only judges others once its
 * own heartbeats have been flowing for `deadAfterMs` again; otherwise the first node back would
 * take every other node for dead.
 */
import type { Logger } from '../log.ts';
import { LUA_NOW, script, type Redis } from './redis-client.ts';

const KEY = 'rr:nodes';

const BEAT = `${LUA_NOW}
local added = redis.call('ZADD', KEYS[1], now, ARGV[1])
return {added, now}`;

const CLAIM_DEAD = `${LUA_NOW}
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if #dead > 0 then redis.call('ZREM', KEYS[1], unpack(dead)) end
return dead`;

export interface LivenessOptions {
  nodeId: string;
  heartbeatMs: number;
  deadAfterMs: number;
  log: Logger;
  /** Cleans up after a dead node (runs on one live node only). */
  reap(deadNodeId: string): Promise<void>;
  /** Other nodes took this one for dead (it stalled): put its state back. */
  revived(): Promise<void>;
}

export function watchNodes(client: Redis, options: LivenessOptions): { stop(): Promise<void> } {
  const beat = script(client, BEAT);
  const claimDead = script(client, CLAIM_DEAD);
  let lastBeat: number | undefined;
  let healthySince: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function tick(): Promise<void> {
    const [added, now] = (await beat([KEY], [options.nodeId])) as [number, number];
    if (lastBeat === undefined || now - lastBeat > 2 * options.heartbeatMs) healthySince = now;
    if (lastBeat !== undefined && added === 1) {
      options.log('cluster.node-revived', { nodeId: options.nodeId });
      await options.revived();
    }
    lastBeat = now;
    if (now - (healthySince ?? now) < options.deadAfterMs) return;
    for (const dead of (await claimDead([KEY], [options.deadAfterMs])) as string[]) {
      options.log('cluster.node-dead', { nodeId: dead, reapedBy: options.nodeId });
      await options.reap(dead);
    }
  }

  const loop = (): void => {
    running = tick()
      .catch((error: unknown) => {
        options.log('cluster.heartbeat-failed', { error: (error as Error).name });
      })
      .then(() => {
        if (!stopped) timer = setTimeout(loop, options.heartbeatMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      // Leaving on purpose: the sockets were disconnected one by one, nothing is left to reap.
      await client.zRem(KEY, options.nodeId).catch(() => undefined);
    },
  };
}
