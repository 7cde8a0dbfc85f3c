/** Who is connected, counted per user across their devices. An interface for the same reason as the registry. */
export interface ConnectionCounter {
  /** Returns the user's connection count after this one. */
  connected(userId: string): number;
  /** Returns the user's connection count after this one left. */
  disconnected(userId: string): number;
  isOnline(userId: string): boolean;
}

export function createMemoryConnectionCounter(): ConnectionCounter {
  const counts = new Map<string, number>();
  return {
    connected(userId) {
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return n;
    },
    disconnected(userId) {
      const n = Math.max(0, (counts.get(userId) ?? 0) - 1);
      if (n === 0) counts.delete(userId);
      else counts.set(userId, n);
      return n;
    },
    isOnline: (userId) => (counts.get(userId) ?? 0) > 0,
  };
}
