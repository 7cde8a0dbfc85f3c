/**
 * The server, built from its collaborators: HTTP API + Socket.io signaling on one port.
 * `createServer(deps)` does no I/O of its own until `listen()`, so tests run it on port 0.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { LIMITS } from '../shared/protocol/limits.ts';
import { createMemoryRateLimiter, type RateLimiter } from './auth/rate-limit.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { createTokenService } from './auth/tokens.ts';
import { createCallHandlers } from './calls/handlers.ts';
import type { ServerConfig } from './config.ts';
import { registerDirectoryRoutes } from './directory/routes.ts';
import { sendJson } from './http/json.ts';
import { createRouter } from './http/router.ts';
import type { Logger } from './log.ts';
import { createPresence } from './presence/announcer.ts';
import { createDelivery, userRoom } from './realtime/delivery.ts';
import { dispatch } from './realtime/dispatch.ts';
import { Refusal } from './realtime/refusal.ts';
import { armExpiry, installSocketAuth, originAllowed, socketUser } from './realtime/socket-auth.ts';
import { createMemoryState, type SharedState } from './shared-state.ts';
import type { AccountStore } from './storage/store.ts';

export interface ServerDeps {
  config: ServerConfig;
  store: AccountStore;
  signingKey: Uint8Array;
  log: Logger;
  /** Calls, presence, timers and limits: this node's memory unless several nodes share Redis. */
  state?: SharedState;
  /** Per-socket message budget; tests raise it to fuzz without being throttled. */
  messageLimiter?: RateLimiter;
}

export interface RunningServer {
  http: HttpServer;
  io: Server;
  /** Resolves with the base URL once listening. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createServer(deps: ServerDeps): RunningServer {
  const { config, store, log } = deps;
  const tokens = createTokenService(
    {
      key: deps.signingKey,
      accessTtlSeconds: config.accessTtlSeconds,
      refreshTtlSeconds: config.refreshTtlSeconds,
    },
    store,
  );
  const router = createRouter(log, new Set(config.trustProxies));
  const onRequest = (
    req: Parameters<typeof router.handle>[0],
    res: Parameters<typeof router.handle>[1],
  ) => {
    if (router.handle(req, res)) return;
    // Socket.io attaches its own listener for /socket.io/; everything else is not ours.
    if (!(req.url ?? '').startsWith('/socket.io/')) {
      sendJson(res, 404, { error: { code: 'not-found', message: 'Not found.' } });
    }
  };
  const http = config.tls
    ? createHttpsServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        onRequest,
      )
    : createHttpServer(onRequest);

  const state = deps.state ?? createMemoryState();
  const io = new Server(http, {
    maxHttpBufferSize: LIMITS.packetBytes,
    cors: { origin: config.origins },
    allowRequest: originAllowed(config.origins, log),
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // Across nodes, WebSocket only: a long-polling session would need every request to reach
    // the same node (sticky sessions); one WebSocket is one TCP connection to one node.
    ...(state.adapter ? { adapter: state.adapter, transports: ['websocket' as const] } : {}),
  });
  const { registry, connections } = state;
  const delivery = createDelivery(io);
  const presence = createPresence({ store, registry, connections, delivery });
  const calls = createCallHandlers({
    store,
    registry,
    connections,
    delivery,
    presence,
    log,
    timers: state.timers,
    ringTimeoutMs: config.ringTimeoutMs,
    disconnectGraceMs: config.disconnectGraceMs,
    resumeWindowMs: config.resumeWindowMs,
  });
  // Connect and disconnect work is async (shared state); close waits for what is under way.
  const pending = new Set<Promise<void>>();
  const track = (event: string, work: () => Promise<void>): void => {
    const task = work().catch((error: unknown) => {
      log('socket.state-error', { event, error: (error as Error).name });
    });
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };
  state.onNodeDeath?.(async (gone) => {
    await calls.disconnected(gone);
    if (gone.remaining === 0) await presence.announce(gone.userId);
  });
  const messageLimiter =
    deps.messageLimiter ??
    createMemoryRateLimiter({
      capacity: 4 * config.socketMessagesPerSecond,
      refillPerSecond: config.socketMessagesPerSecond,
    });

  registerAuthRoutes(router, {
    store,
    tokens,
    log,
    accountLimiter: state.accountLimiter,
    addressLimiter: state.addressLimiter,
  });
  registerDirectoryRoutes(router, { store, tokens, ice: config.ice, statusOf: presence.statusOf });
  installSocketAuth(io, { tokens, store, log });
  // Socket.io keeps each session's first HTTP request by default; we never need it again.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });

  io.on('connection', (socket) => {
    const user = socketUser(socket);
    const sender = { userId: user.userId, displayName: user.displayName, socketId: socket.id };
    void socket.join(userRoom(user.userId));
    const rearm = armExpiry(socket, log);
    const counted = connections.connected(user.userId, socket.id);
    log('socket.connect', { userId: user.userId, socketId: socket.id });
    track('connect', async () => {
      const first = (await counted) === 1;
      socket.emit('presence-snapshot', await presence.snapshotFor(user.userId));
      if (first) await presence.announce(user.userId);
    });

    dispatch(
      socket,
      {
        ...Object.fromEntries(
          Object.entries(calls.handlers).map(([event, handler]) => [
            event,
            (payload: never) =>
              (handler as (s: typeof sender, p: never) => Promise<string>)(sender, payload),
          ]),
        ),
        'auth-renew': async ({ token }: { token: string }) => {
          const claims = await tokens.verifyAccess(token).catch(() => null);
          if (claims?.userId !== user.userId) {
            throw new Refusal('invalid-payload', 'That token is not valid for this connection.');
          }
          user.expiresAt = claims.expiresAt;
          rearm();
          return undefined;
        },
      },
      { limiter: messageLimiter, log },
    );

    socket.on('disconnect', (reason) => {
      log('socket.disconnect', { userId: user.userId, socketId: socket.id, reason });
      void messageLimiter.reset(socket.id);
      track('disconnect', async () => {
        await counted.catch(() => undefined);
        await calls.disconnected(sender);
        if ((await connections.disconnected(user.userId, socket.id)) === 0) {
          await presence.announce(user.userId);
        }
      });
    });
  });

  return {
    http,
    io,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve(`${config.tls ? 'https' : 'http'}://${host}:${port}`);
        });
      }),
    close: async () => {
      // Closing disconnects every socket, whose handlers may arm timers: stop those after.
      await io.close();
      await Promise.all(pending);
      calls.close();
      http.closeAllConnections();
    },
  };
}
