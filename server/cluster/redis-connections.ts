/**
 * Connection counts in Redis, across nodes: per user a hash of node id → that node's sockets of
 * the user (`rr:conn:<userId>`), and per node the sockets it holds (`rr:node-sockets:<nodeId>`),
 * so that when a node dies a live one can count its sockets out (node-liveness.ts).
 */
import type { ConnectionCounter } from '../presence/presence.ts';
import type { GoneSocket } from '../shared-state.ts';
import { retrying, script, type Redis } from './redis-client.ts';

const userKey = (userId: string): string => `rr:conn:${userId}`;
const nodeKey = (nodeId: string): string => `rr:node-sockets:${nodeId}`;

/** A user's connections on every node: the sum of their hash `key`. */
const sumOf = (key: string): string => `
local total = 0
for _, v in ipairs(redis.call('HVALS', ${key})) do total = total + tonumber(v) end
return total`;
const SUM = sumOf('KEYS[2]');
const COUNT = sumOf('KEYS[1]');

// Idempotent per socket (HSETNX), so a retry after a dropped connection counts it once.
const CONNECTED = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
${SUM}`;

const DISCONNECTED = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
end
${SUM}`;

export interface RedisConnectionCounter extends ConnectionCounter {
  /** Counts out every socket a dead node held; resolves with them. */
  reapNode(deadNodeId: string): Promise<GoneSocket[]>;
  /** Writes this node's sockets back after other nodes wrongly took it for dead. */
  reregister(): Promise<void>;
  /** Whether this socket is connected to this node. */
  holds(socketId: string): boolean;
}

export function createRedisConnectionCounter(
  client: Redis,
  nodeId: string,
): RedisConnectionCounter {
  const connectedScript = script(client, CONNECTED);
  const disconnectedScript = script(client, DISCONNECTED);
  const countScript = script(client, COUNT);
  const local = new Map<string, string>(); // socket id → user id, on this node
  const connected = async (userId: string, socketId: string, node = nodeId) =>
    Number(
      await retrying(() =>
        connectedScript([nodeKey(node), userKey(userId)], [socketId, node, userId]),
      ),
    );
  const disconnected = async (userId: string, socketId: string, node = nodeId) =>
    Number(
      await retrying(() => disconnectedScript([nodeKey(node), userKey(userId)], [socketId, node])),
    );

  return {
    connected(userId, socketId) {
      local.set(socketId, userId);
      return connected(userId, socketId);
    },
    disconnected(userId, socketId) {
      local.delete(socketId);
      return disconnected(userId, socketId);
    },
    isOnline: async (userId) => (await retrying(() => client.exists(userKey(userId)))) === 1,
    count: async (userId) => Number(await retrying(() => countScript([userKey(userId)], []))),
    async reapNode(deadNodeId) {
      const sockets = await client.hGetAll(nodeKey(deadNodeId));
      const gone: GoneSocket[] = [];
      for (const [socketId, userId] of Object.entries(sockets)) {
        gone.push({
          userId,
          socketId,
          remaining: await disconnected(userId, socketId, deadNodeId),
        });
      }
      await client.del(nodeKey(deadNodeId));
      return gone;
    },
    async reregister() {
      for (const [socketId, userId] of local) await connected(userId, socketId);
    },
    holds: (socketId) => local.has(socketId),
  };
}
