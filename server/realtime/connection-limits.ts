/**
 * Limits on connections, so one account or one address cannot hold the server's memory and file
 * descriptors: per client address, the handshakes it may start (a token bucket) and the
 * connections it may hold on this node, signed in or not; per account, the sockets it may hold on
 * every node together.
 *
 * The address limits are counted at the engine handshake, where every connection passes, but
 * told at the Socket.io connect, as a `connect_error` with a sentence the app can show (an HTTP
 * refusal reaches a WebSocket client only as "websocket error"). So a connection past a limit is
 * let in to hear why and closed by the handshake timeout if it does not leave; past
 * REFUSAL_SLOTS of those, an address's handshakes are refused outright (HTTP 403).
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { ExtendedError, Socket } from 'socket.io';
import { AUTH_ERRORS } from '../../shared/protocol/signaling.ts';
import { createMemoryRateLimiter } from '../auth/rate-limit.ts';
import { clientAddress } from '../http/client-address.ts';
import type { Logger } from '../log.ts';
import type { ConnectionCounter } from '../presence/presence.ts';
import { socketUser } from './socket-auth.ts';

/** Connections an address may hold past its limit, each only to be told why it is refused. */
export const REFUSAL_SLOTS = 10;

export interface ConnectionLimitOptions {
  maxSocketsPerUser: number;
  maxSocketsPerAddress: number;
  handshakesPerSecond: number;
}

type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, ok: boolean) => void,
) => void;

interface Verdict {
  code: string;
  message: string;
}

/** The engine.io connection under a socket: what `io.engine` hands out on 'connection'. */
interface EngineConnection {
  request: IncomingMessage | null;
  once(event: 'close', listener: () => void): unknown;
}

const refusal = ({ code, message }: Verdict): ExtendedError =>
  Object.assign(new Error(code), { data: { message } });

export function createConnectionLimits(
  options: ConnectionLimitOptions,
  deps: { connections: ConnectionCounter; trustProxies: ReadonlySet<string>; log: Logger },
) {
  const { log } = deps;
  const handshakes = createMemoryRateLimiter({
    capacity: 4 * options.handshakesPerSecond,
    refillPerSecond: options.handshakesPerSecond,
  });
  const held = new Map<string, number>(); // client address → engine connections on this node
  const pending = new WeakMap<IncomingMessage, Verdict>(); // handshake request → its refusal
  const refused = new WeakMap<object, Verdict>(); // engine connection → its refusal
  // Addresses refused outright, logged once until they hold fewer again (a flood, one line).
  const saturated = new Set<string>();

  const tooFast: Verdict = {
    code: AUTH_ERRORS.tooManyHandshakes,
    message: 'Too many connection attempts from your network address; wait a moment and retry.',
  };
  const tooManyHere: Verdict = {
    code: AUTH_ERRORS.tooManyConnections,
    message: `Too many connections from your network address (at most ${options.maxSocketsPerAddress}); close some and retry.`,
  };
  const tooManyMine: Verdict = {
    code: AUTH_ERRORS.tooManyConnections,
    message: `Your account has ${options.maxSocketsPerUser} connections open already, the most it may have; close the app on another device and retry.`,
  };

  /** Spends the address's handshake budget and judges the request; false refuses it outright. */
  async function admit(req: IncomingMessage): Promise<boolean> {
    const address = clientAddress(req, deps.trustProxies);
    const open = held.get(address) ?? 0;
    const paced = await handshakes.take(address);
    if (open >= options.maxSocketsPerAddress + REFUSAL_SLOTS) {
      if (!saturated.has(address)) log('socket.refused', { reason: 'address-saturated' });
      saturated.add(address);
      return false;
    }
    const verdict = !paced ? tooFast : open >= options.maxSocketsPerAddress ? tooManyHere : null;
    if (verdict) pending.set(req, verdict);
    return true;
  }

  return {
    /** engine.io's allowRequest: `first` (the origin check), then the address's limits. */
    allowRequest(first: AllowRequest): AllowRequest {
      return (req, callback) => {
        first(req, (error, ok) => {
          if (!ok) {
            callback(error, false);
            return;
          }
          void admit(req).then((admitted) => {
            callback(admitted ? null : AUTH_ERRORS.tooManyConnections, admitted);
          });
        });
      };
    },

    /** Counts a new engine connection against its address until it closes. */
    track(conn: EngineConnection): void {
      if (!conn.request) return;
      const address = clientAddress(conn.request, deps.trustProxies);
      const verdict = pending.get(conn.request);
      if (verdict) refused.set(conn, verdict);
      held.set(address, (held.get(address) ?? 0) + 1);
      conn.once('close', () => {
        const left = (held.get(address) ?? 1) - 1;
        if (left > 0) held.set(address, left);
        else held.delete(address);
        if (left < options.maxSocketsPerAddress) saturated.delete(address);
      });
    },

    /** The first Socket.io middleware: tells a connection its handshake's verdict. */
    byAddress: (socket: Socket, next: (error?: ExtendedError) => void): void => {
      const verdict = refused.get(socket.conn);
      if (verdict) log('socket.refused', { reason: verdict.code });
      next(verdict ? refusal(verdict) : undefined);
    },

    /** After authentication: the account's sockets on every node, this one not yet counted. */
    byAccount: (socket: Socket, next: (error?: ExtendedError) => void): void => {
      const { userId } = socketUser(socket);
      deps.connections.count(userId).then(
        (count) => {
          if (count < options.maxSocketsPerUser) {
            next();
            return;
          }
          log('socket.refused', { reason: tooManyMine.code, userId });
          next(refusal(tooManyMine));
        },
        (error: unknown) => {
          // The shared count is unreachable (Redis away): the connection's own work will wait
          // for it anyway; refusing every sign-in for that would be worse than the cap.
          log('socket.limit-unchecked', { error: (error as Error).name });
          next();
        },
      );
    },
  };
}

export type ConnectionLimits = ReturnType<typeof createConnectionLimits>;

/**
 * Closes a connection that sends nothing for `timeoutMs` before its first request (a TCP or TLS
 * connection held open to use up the server's sockets). Node's own header timeout starts only
 * with the first byte. A request or a WebSocket upgrade lifts it: then the HTTP keep-alive
 * timeout, or Socket.io's handshake timeout and heartbeat, take over.
 */
export function closeSilentConnections(http: HttpServer, timeoutMs: number, tls: boolean): void {
  http.on(tls ? 'secureConnection' : 'connection', (socket: NetSocket) => {
    socket.setTimeout(timeoutMs, () => socket.destroy());
  });
  const lift = (req: IncomingMessage): void => {
    req.socket.setTimeout(0);
  };
  http.on('request', lift);
  http.on('upgrade', lift);
}
