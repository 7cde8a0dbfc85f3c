import { isGuestId } from '../../shared/protocol/guest.ts';
import type { PresenceStatus } from '../../shared/protocol/signaling.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Delivery } from '../realtime/delivery.ts';
import type { AccountStore } from '../storage/store.ts';
import type { ConnectionCounter } from './presence.ts';

/** Works out a user's presence and tells their circle-mates when it changes (never a guest's). */
export function createPresence(deps: {
  store: AccountStore;
  registry: CallRegistry;
  connections: ConnectionCounter;
  delivery: Delivery;
  /** How long a user's circle-mates are remembered; membership changes show within this. */
  matesTtlMs?: number;
}) {
  const ttl = deps.matesTtlMs ?? 5_000;
  const mates = new Map<string, { ids: string[]; until: number }>();
  // Every call start and end announces its participants: remember mates briefly rather than query each time.
  const matesOf = async (userId: string): Promise<string[]> => {
    const now = Date.now();
    const cached = mates.get(userId);
    if (cached && cached.until > now) return cached.ids;
    if (mates.size > 50_000) mates.clear();
    const ids = await deps.store.circleMateIds(userId);
    mates.set(userId, { ids, until: now + ttl });
    return ids;
  };
  const statusOf = async (userId: string): Promise<PresenceStatus> => {
    if (!(await deps.connections.isOnline(userId))) return 'offline';
    return (await deps.registry.callOf(userId)) ? 'in-call' : 'online';
  };
  return {
    statusOf,
    /** Tells the user's circle-mates their status, except `skip` (the call's own people), who learn it from the call itself. */
    async announce(userId: string, skip: string | string[] = []): Promise<void> {
      // Guests have no circles: nobody follows their presence, and it is told to nobody.
      if (isGuestId(userId)) return;
      const except = Array.isArray(skip) ? skip : [skip];
      const to = (await matesOf(userId)).filter((id) => !except.includes(id));
      deps.delivery.toUser(to, 'presence', {
        userId,
        status: await statusOf(userId),
      });
    },
    /**
     * What a user sees on connect. Their mates are read fresh, and a mate whose cached list lacks
     * them (IT just added them to a circle) forgets it, so the newcomer hears the mate's presence
     * at once instead of after the cache's lifetime.
     */
    async snapshotFor(userId: string) {
      mates.delete(userId);
      const ids = await matesOf(userId);
      for (const id of ids) {
        if (mates.get(id)?.ids.includes(userId) === false) mates.delete(id);
      }
      const statuses = await Promise.all(ids.map(statusOf));
      return { users: ids.map((id, i) => ({ userId: id, status: statuses[i] ?? 'offline' })) };
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
