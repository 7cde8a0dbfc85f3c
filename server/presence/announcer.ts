import type { PresenceStatus } from '../../shared/protocol/signaling.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Delivery } from '../realtime/delivery.ts';
import type { AccountStore } from '../storage/store.ts';
import type { ConnectionCounter } from './presence.ts';

/** Works out a user's presence and tells their circle-mates when it changes. */
export function createPresence(deps: {
  store: AccountStore;
  registry: CallRegistry;
  connections: ConnectionCounter;
  delivery: Delivery;
}) {
  const statusOf = (userId: string): PresenceStatus => {
    if (!deps.connections.isOnline(userId)) return 'offline';
    return deps.registry.callOf(userId) ? 'in-call' : 'online';
  };
  return {
    statusOf,
    announce(userId: string): void {
      deps.delivery.toUser(deps.store.circleMateIds(userId), 'presence', {
        userId,
        status: statusOf(userId),
      });
    },
    snapshotFor(userId: string) {
      return {
        users: deps.store.circleMateIds(userId).map((id) => ({ userId: id, status: statusOf(id) })),
      };
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
