/**
 * The server, built from its collaborators: HTTP API, the guest page and Socket.io signaling on
 * one port.
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
import { createGuestTokenService } from './auth/guest-tokens.ts';
import { createTokenService } from './auth/tokens.ts';
import { createCallHandlers } from './calls/handlers.ts';
import { createPeople } from './calls/people.ts';
import type { ServerConfig } from './config.ts';
import { registerDirectoryRoutes } from './directory/routes.ts';
import { installGuests } from './guests/install.ts';
import { createGuestPage } from './http/guest-page.ts';
import { sendJson } from './http/json.ts';
import { createRouter } from './http/router.ts';
import type { Logger } from './log.ts';
import { createPresence } from './presence/announcer.ts';
import { createDelivery } from './realtime/delivery.ts';
import { handleConnection } from './realtime/connection.ts';
import { installSocketAuth, originAllowed } from './realtime/socket-auth.ts';
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
  /** The clock guest links are made and expire by; tests move it to expire them. */
  now?: () => number;
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
  const guestTokens = createGuestTokenService(deps.signingKey);
  const trustProxies = new Set(config.trustProxies);
  const router = createRouter(log, trustProxies);
  const guestPage = createGuestPage(config.guestPageDir, log);
  const onRequest = (
    req: Parameters<typeof router.handle>[0],
    res: Parameters<typeof router.handle>[1],
  ) => {
    if (router.handle(req, res) || guestPage(req, res)) return;
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
    allowRequest: originAllowed(config.origins, log, trustProxies),
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
    people: createPeople(store, state.lobby),
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
    await guests.sockets.left(gone.userId, gone.remaining);
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
  const guests = installGuests({
    router,
    store,
    tokens,
    guestTokens,
    lobby: state.lobby,
    knockLimiter: state.knockLimiter,
    registry,
    delivery,
    ice: config.ice,
    log,
    now: deps.now ?? Date.now,
  });
  installSocketAuth(io, { tokens, guestTokens, store, log });
  // Socket.io keeps each session's first HTTP request by default; we never need it again.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });

  io.on('connection', (socket) => {
    handleConnection(socket, {
      calls,
      guests,
      connections,
      presence,
      tokens,
      messageLimiter,
      log,
      track,
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
