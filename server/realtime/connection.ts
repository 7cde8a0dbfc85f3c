/**
 * One socket's life on this node, member or guest: its user room, token expiry, connection
 * count, what it hears on connect, which messages it may send, and the clean-up when it leaves.
 * A member hears their circle's presence and the guests waiting for them, and may send every
 * client event; a guest enters the lobby, is never announced, and may send only a call's
 * messages (server/guests/guest-events.ts).
 */
import type { Socket } from 'socket.io';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Sender } from '../calls/call-rules.ts';
import type { createCallHandlers } from '../calls/handlers.ts';
import { GUEST_EVENT_REFUSAL, GUEST_EVENTS } from '../guests/guest-events.ts';
import type { Guests } from '../guests/install.ts';
import type { Logger } from '../log.ts';
import type { Presence } from '../presence/announcer.ts';
import type { ConnectionCounter } from '../presence/presence.ts';
import type { AccountStore } from '../storage/store.ts';
import {
  ACCOUNT_DISABLED_MESSAGE,
  accountEnabled,
  endDisabled,
  endedAsDisabled,
} from './account-watch.ts';
import { userRoom } from './delivery.ts';
import { dispatch, type Handlers } from './dispatch.ts';
import { Refusal } from './refusal.ts';
import { armExpiry, rearmExpiry, socketUser } from './socket-auth.ts';

export interface ConnectionDeps {
  calls: ReturnType<typeof createCallHandlers>;
  guests: Guests;
  connections: ConnectionCounter;
  presence: Presence;
  tokens: TokenService;
  store: AccountStore;
  messageLimiter: RateLimiter;
  /** Messages one socket may have waiting (server/realtime/dispatch.ts). */
  socketQueueLimit: number;
  log: Logger;
  /** Runs connect and disconnect work (async, shared state) so that close can wait for it. */
  track: (event: string, work: () => Promise<void>) => void;
  /** This node's socket with that id, while it is connected. */
  socketById: (id: string) => Socket | undefined;
}

/** What a member's socket may send, made once per node: every socket shares it. */
const memberHandlersOf = new WeakMap<ConnectionDeps, Handlers>();

function memberHandlers(deps: ConnectionDeps): Handlers {
  let handlers = memberHandlersOf.get(deps);
  if (!handlers) {
    handlers = {
      ...(deps.calls.handlers as Handlers),
      ...(deps.guests.handlers as Handlers),
      'auth-renew': (sender, payload: { token: string }) => renewAuth(deps, sender, payload),
    };
    memberHandlersOf.set(deps, handlers);
  }
  return handlers;
}

/** A member's fresh access token: the socket lives on until it expires. */
async function renewAuth(
  deps: ConnectionDeps,
  sender: Sender,
  { token }: { token: string },
): Promise<undefined> {
  const socket = deps.socketById(sender.socketId);
  const claims = await deps.tokens.verifyAccess(token).catch(() => null);
  if (!socket || claims?.userId !== sender.userId) {
    throw new Refusal('invalid-payload', 'That token is not valid for this connection.');
  }
  if (!(await accountEnabled(deps.store, sender.userId))) {
    // After the refusal's answer has gone out.
    setImmediate(() => {
      endDisabled(socket, deps.log);
    });
    throw new Refusal('not-allowed', ACCOUNT_DISABLED_MESSAGE);
  }
  socketUser(socket).expiresAt = claims.expiresAt;
  rearmExpiry(socket);
  return undefined;
}

export function handleConnection(socket: Socket, deps: ConnectionDeps): void {
  const { calls, guests, connections, presence, log, track } = deps;
  const user = socketUser(socket);
  const sender: Sender = {
    userId: user.userId,
    displayName: user.displayName,
    socketId: socket.id,
  };
  void socket.join(userRoom(user.userId));
  armExpiry(socket, log);
  const counted = connections.connected(user.userId, socket.id);
  log('socket.connect', { userId: user.userId, socketId: socket.id, role: user.role });
  const limits = { limiter: deps.messageLimiter, log, maxPending: deps.socketQueueLimit };

  // The arrival's work, which the departure waits for (a guest must be in the lobby to leave it).
  let arrived: Promise<void> = Promise.resolve();
  if (user.role === 'guest') {
    arrived = counted.then(() => guests.sockets.arrived(socket, user));
    track('connect', () => arrived);
    dispatch(socket, sender, calls.handlers, {
      ...limits,
      only: { events: GUEST_EVENTS, refusal: GUEST_EVENT_REFUSAL },
    });
  } else {
    track('connect', async () => {
      const first = (await counted) === 1;
      socket.emit('presence-snapshot', await presence.snapshotFor(user.userId));
      if (first) await presence.announce(user.userId);
      await guests.sockets.memberArrived(socket, user.userId);
    });
    dispatch(socket, sender, memberHandlers(deps), limits);
  }

  socket.on('disconnect', (reason) => {
    log('socket.disconnect', { userId: user.userId, socketId: socket.id, reason });
    void deps.messageLimiter.reset(socket.id);
    track('disconnect', async () => {
      await counted.catch(() => undefined);
      await arrived.catch(() => undefined);
      if (endedAsDisabled(socket)) await calls.removed(user.userId);
      await calls.disconnected(sender);
      const remaining = await connections.disconnected(user.userId, socket.id);
      if (remaining === 0) await calls.offline(user.userId);
      if (user.role === 'guest') await guests.sockets.left(user.userId, remaining);
      else if (remaining === 0) await presence.announce(user.userId);
    });
  });
}
