/**
 * Socket authentication: the access token comes in the handshake's `auth` (never the query
 * string), is verified before the connection is accepted, and its expiry ends the socket unless
 * the client renews it with `auth-renew` first.
 */
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { AUTH_ERRORS } from '../../shared/protocol/signaling.ts';
import { TokenError, type TokenService } from '../auth/tokens.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';

export interface SocketUser {
  userId: string;
  displayName: string;
  expiresAt: number;
}

export const socketUser = (socket: Socket): SocketUser => socket.data as SocketUser;

export function installSocketAuth(
  io: Server,
  deps: { tokens: TokenService; store: AccountStore; log: Logger },
): void {
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : '';
    if (!token) {
      next(new Error(AUTH_ERRORS.missing));
      return;
    }
    deps.tokens.verifyAccess(token).then(
      (claims) => {
        const user = deps.store.userById(claims.userId);
        if (!user || user.disabled) {
          next(new Error(AUTH_ERRORS.disabled));
          return;
        }
        const data: SocketUser = {
          userId: user.id,
          displayName: user.displayName,
          expiresAt: claims.expiresAt,
        };
        socket.data = data;
        next();
      },
      (error: unknown) => {
        const reason = error instanceof TokenError ? error.reason : 'invalid';
        deps.log('socket.refused', { reason });
        next(new Error(reason === 'expired' ? AUTH_ERRORS.expired : AUTH_ERRORS.invalid));
      },
    );
  });
}

/**
 * Browsers send Origin; the desktop app's main process does not. A browser origin that IT did
 * not allow is refused before the WebSocket upgrade (HTTP 403).
 */
export function originAllowed(origins: string[], log: Logger) {
  return (
    req: IncomingMessage,
    callback: (error: string | null | undefined, ok: boolean) => void,
  ) => {
    const origin = req.headers.origin;
    const ok = origin === undefined || origins.includes(origin);
    if (!ok) log('socket.refused', { reason: AUTH_ERRORS.origin, origin });
    callback(ok ? null : AUTH_ERRORS.origin, ok);
  };
}

/** Ends the socket when its token expires; returns a function that re-arms the timer. */
export function armExpiry(socket: Socket, log: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    const delay = Math.max(0, socketUser(socket).expiresAt - Date.now());
    timer = setTimeout(() => {
      log('socket.expired', { userId: socketUser(socket).userId });
      socket.emit('auth-expired', {
        message: 'Your sign-in expired on this connection; reconnect with a fresh token.',
      });
      socket.disconnect(true);
    }, delay);
  };
  socket.on('disconnect', () => {
    clearTimeout(timer);
  });
  arm();
  return arm;
}
