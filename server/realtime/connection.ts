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
import { dispatch } from './dispatch.ts';
import { Refusal } from './refusal.ts';
import { armExpiry, socketUser } from './socket-auth.ts';

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
}

type SenderHandler = (sender: Sender, payload: never) => Promise<string | undefined>;

/** The handlers bound to this socket's sender, as dispatch takes them. */
const bound = (handlers: Record<string, SenderHandler>, sender: Sender) =>
  Object.fromEntries(
    Object.entries(handlers).map(([event, handler]) => [
      event,
      (payload: never) => handler(sender, payload),
    ]),
  );

export function handleConnection(socket: Socket, deps: ConnectionDeps): void {
  const { calls, guests, connections, presence, log, track } = deps;
  const user = socketUser(socket);
  const sender: Sender = {
    userId: user.userId,
    displayName: user.displayName,
    socketId: socket.id,
  };
  void socket.join(userRoom(user.userId));
  const rearm = armExpiry(socket, log);
  const counted = connections.connected(user.userId, socket.id);
  log('socket.connect', { userId: user.userId, socketId: socket.id, role: user.role });
  const callHandlers = calls.handlers as unknown as Record<string, SenderHandler>;

  // The arrival's work, which the departure waits for (a guest must be in the lobby to leave it).
  let arrived: Promise<void> = Promise.resolve();
  if (user.role === 'guest') {
    arrived = counted.then(() => guests.sockets.arrived(socket, user));
    track('connect', () => arrived);
    dispatch(socket, bound(callHandlers, sender), {
      limiter: deps.messageLimiter,
      log,
      only: { events: GUEST_EVENTS, refusal: GUEST_EVENT_REFUSAL },
      maxPending: deps.socketQueueLimit,
    });
  } else {
    track('connect', async () => {
      const first = (await counted) === 1;
      socket.emit('presence-snapshot', await presence.snapshotFor(user.userId));
      if (first) await presence.announce(user.userId);
      await guests.sockets.memberArrived(socket, user.userId);
    });
    const guestHandlers = guests.handlers as unknown as Record<string, SenderHandler>;
    dispatch(
      socket,
      {
        ...bound({ ...callHandlers, ...guestHandlers }, sender),
        'auth-renew': async ({ token }: { token: string }) => {
          const claims = await deps.tokens.verifyAccess(token).catch(() => null);
          if (claims?.userId !== user.userId) {
            throw new Refusal('invalid-payload', 'That token is not valid for this connection.');
          }
          if (!(await accountEnabled(deps.store, user.userId))) {
            // After the refusal's answer has gone out.
            setImmediate(() => {
              endDisabled(socket, log);
            });
            throw new Refusal('not-allowed', ACCOUNT_DISABLED_MESSAGE);
          }
          user.expiresAt = claims.expiresAt;
          rearm();
          return undefined;
        },
      },
      { limiter: deps.messageLimiter, log, maxPending: deps.socketQueueLimit },
    );
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
