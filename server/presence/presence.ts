/**
 * Who is connected, counted per user across their devices (and, in a cluster, across nodes: see
 * server/cluster/redis-connections.ts). Async for the same reason as the call registry.
 */
export interface ConnectionCounter {
  /** Returns the user's connection count after this one. */
  connected(userId: string, socketId: string): Promise<number>;
  /** Returns the user's connection count after this one left. */
  disconnected(userId: string, socketId: string): Promise<number>;
  isOnline(userId: string): Promise<boolean>;
  /** The user's connections now (on every node). */
  count(userId: string): Promise<number>;
}

export function createMemoryConnectionCounter(): ConnectionCounter {
  const counts = new Map<string, number>();
  return {
    connected(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return Promise.resolve(n);
    },
    disconnected(userId) {
      const n = Math.max(0, (counts.get(userId) ?? 0) - 1);
      if (n === 0) counts.delete(userId);
      else counts.set(userId, n);
      return Promise.resolve(n);
    },
    isOnline: (userId) => Promise.resolve((counts.get(userId) ?? 0) > 0),
    count: (userId) => Promise.resolve(counts.get(userId) ?? 0),
  };
}
