/**
 * Socket authentication: the token comes in the handshake's `auth` (never the query string), is
 * verified before the connection is accepted, and its expiry ends the socket unless the client
 * renews it with `auth-renew` first. A member's access token makes a member socket; a guest token
 * (server/auth/guest-tokens.ts) makes a guest socket, which never renews.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Server, Socket } from 'socket.io';
import { AUTH_ERRORS } from '../../shared/protocol/signaling.ts';
import type { GuestTokenService } from '../auth/guest-tokens.ts';
import { TokenError, type TokenService } from '../auth/tokens.ts';
import { normalizeAddress } from '../http/client-address.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';

export interface MemberSocketUser {
  role: 'member';
  userId: string;
  displayName: string;
  expiresAt: number;
}

export interface GuestSocketUser {
  role: 'guest';
  /** The guest id (GUEST_ID_PREFIX…), so delivery and calls treat them as any user id. */
  userId: string;
  /** The name they knocked with. */
  displayName: string;
  /** The advisor whose link they came through, and that link. */
  advisorId: string;
  linkId: string;
  expiresAt: number;
}

export type SocketUser = MemberSocketUser | GuestSocketUser;

export const socketUser = (socket: Socket): SocketUser => socket.data as SocketUser;

type Verified = { ok: SocketUser } | { refused: string };

const refusal = (error: unknown): string =>
  error instanceof TokenError && error.reason === 'expired'
    ? AUTH_ERRORS.expired
    : AUTH_ERRORS.invalid;

async function verify(
  token: string,
  deps: { tokens: TokenService; guestTokens: GuestTokenService; store: AccountStore },
): Promise<Verified> {
  let memberError: unknown;
  try {
    const claims = await deps.tokens.verifyAccess(token);
    const user = await deps.store.userById(claims.userId);
    if (!user || user.disabled) return { refused: AUTH_ERRORS.disabled };
    const { id: userId, displayName } = user;
    return { ok: { role: 'member', userId, displayName, expiresAt: claims.expiresAt } };
  } catch (error) {
    memberError = error;
  }
  if (refusal(memberError) === AUTH_ERRORS.expired) return { refused: AUTH_ERRORS.expired };
  // Not a member's token: perhaps a guest's (its audience differs, so it failed above).
  try {
    const guest = await deps.guestTokens.verify(token);
    const { guestId: userId, name: displayName, advisorId, linkId, expiresAt } = guest;
    return { ok: { role: 'guest', userId, displayName, advisorId, linkId, expiresAt } };
  } catch (error) {
    return { refused: refusal(error) };
  }
}

export function installSocketAuth(
  io: Server,
  deps: {
    tokens: TokenService;
    guestTokens: GuestTokenService;
    store: AccountStore;
    log: Logger;
  },
): void {
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : '';
    if (!token) {
      next(new Error(AUTH_ERRORS.missing));
      return;
    }
    verify(token, deps).then(
      (result) => {
        if ('refused' in result) {
          deps.log('socket.refused', { reason: result.refused });
          next(new Error(result.refused));
          return;
        }
        socket.data = result.ok;
        next();
      },
      (error: unknown) => {
        deps.log('socket.refused', { reason: (error as Error).name });
        next(new Error(AUTH_ERRORS.invalid));
      },
    );
  });
}

/**
 * The origin a browser sends for a page this server served itself (the guest page): the scheme
 * it was reached by, TLS here or (from a proxy IT trusts) X-Forwarded-Proto, and the Host header.
 */
export function ownOrigin(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const host = req.headers.host ?? '';
  const peer = normalizeAddress(req.socket.remoteAddress ?? '');
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  const tls = (req.socket as Partial<TLSSocket>).encrypted === true;
  const scheme =
    trustedProxies.has(peer) && (forwarded === 'https' || forwarded === 'http')
      ? forwarded
      : tls
        ? 'https'
        : 'http';
  return `${scheme}://${host}`;
}

/**
 * Browsers send Origin; the desktop app's main process does not. A browser may open a socket
 * from an origin IT allowed, or from this server's own (the guest page it serves); any other
 * browser origin is refused before the WebSocket upgrade (HTTP 403).
 */
export function originAllowed(
  origins: string[],
  log: Logger,
  trustedProxies: ReadonlySet<string> = new Set(),
) {
  return (
    req: IncomingMessage,
    callback: (error: string | null | undefined, ok: boolean) => void,
  ) => {
    const origin = req.headers.origin;
    const ok =
      origin === undefined ||
      origins.includes(origin) ||
      (req.headers.host !== undefined && origin === ownOrigin(req, trustedProxies));
    if (!ok) log('socket.refused', { reason: AUTH_ERRORS.origin, origin });
    callback(ok ? null : AUTH_ERRORS.origin, ok);
  };
}

/** Ends the socket when its token expires; returns a function that re-arms the timer. */
/** Each socket's expiry, set again when a renewed token moves it (rearmExpiry). */
const expiries = new WeakMap<Socket, () => void>();

export function armExpiry(socket: Socket, log: Logger): void {
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    const delay = Math.max(0, socketUser(socket).expiresAt - Date.now());
    timer = setTimeout(() => {
      const user = socketUser(socket);
      log('socket.expired', { userId: user.userId });
      socket.emit('auth-expired', {
        message:
          user.role === 'guest'
            ? 'Your time in this meeting has run out. Open your meeting link again to rejoin.'
            : 'Your sign-in expired on this connection; reconnect with a fresh token.',
      });
      socket.disconnect(true);
    }, delay);
  };
  socket.on('disconnect', () => {
    clearTimeout(timer);
  });
  expiries.set(socket, arm);
  arm();
}

/** Moves the socket's expiry to its user's (renewed) expiresAt. */
export function rearmExpiry(socket: Socket): void {
  expiries.get(socket)?.();
}
