/**
 * The server, built from its collaborators: HTTP API, the guest page and Socket.io signaling on
 * one port.
 * `createServer(deps)` does no I/O of its own until `listen()`, so tests run it on port 0.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { LIMITS } from '../shared/protocol/limits.ts';
import type { AuditTrail } from './audit/audit-trail.ts';
import { startRetention } from './audit/retention.ts';
import { createMemoryRateLimiter, type RateLimiter } from './auth/rate-limit.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { createGuestTokenService } from './auth/guest-tokens.ts';
import type { ScryptCost } from './auth/passwords.ts';
import type { TokenKeyRing } from './auth/key-ring.ts';
import { createTokenService } from './auth/tokens.ts';
import { createCallHandlers } from './calls/handlers.ts';
import { createPeople } from './calls/people.ts';
import type { ServerConfig } from './config.ts';
import { registerDirectoryRoutes } from './directory/routes.ts';
import { installGuests } from './guests/install.ts';
import { createGuestPage } from './http/guest-page.ts';
import { sendJson } from './http/json.ts';
import { createRouter } from './http/router.ts';
import { httpsOptions } from './http/tls.ts';
import type { Logger } from './log.ts';
import { createPresence } from './presence/announcer.ts';
import type { ReceiptSigner } from './recordings/receipt-key.ts';
import { registerReceiptRoutes } from './recordings/receipt-routes.ts';
import { createReceipts } from './recordings/receipts.ts';
import { createDelivery } from './realtime/delivery.ts';
import { watchAccounts } from './realtime/account-watch.ts';
import { handleConnection, type ConnectionDeps } from './realtime/connection.ts';
import { forgetRequest, type EngineConnection } from './realtime/forget-request.ts';
import { closeSilentConnections, createConnectionLimits } from './realtime/connection-limits.ts';
import { installSocketAuth, originAllowed } from './realtime/socket-auth.ts';
import { createMemoryState, type SharedState } from './shared-state.ts';
import type { AccountStore } from './storage/store.ts';
import { startTokenPruning } from './storage/token-pruning.ts';

export interface ServerDeps {
  config: ServerConfig;
  store: AccountStore;
  /** The token signing keys: the current one and those still accepted (auth/key-ring.ts). */
  keys: TokenKeyRing;
  log: Logger;
  /** The audit trail (server/audit/): sign-ins, calls, guests, recordings, consent. */
  audit: AuditTrail;
  /** The Ed25519 key recording receipts are signed with (server/recordings/receipt-key.ts). */
  receiptSigner: ReceiptSigner;
  /** Calls, presence, timers and limits: this node's memory unless several nodes share Redis. */
  state?: SharedState;
  /** Per-socket message budget; tests raise it to fuzz without being throttled. */
  messageLimiter?: RateLimiter;
  /** The clock guest links are made and expire by; tests move it to expire them. */
  now?: () => number;
  /** scrypt cost of password hashes (default passwords.ts's PASSWORD_COST); only tests lower it. */
  passwordCost?: ScryptCost;
}

export interface RunningServer {
  http: HttpServer;
  io: Server;
  /** Resolves with the base URL once listening. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createServer(deps: ServerDeps): RunningServer {
  const { config, store, log, audit } = deps;
  const tokens = createTokenService(
    {
      keys: deps.keys,
      accessTtlSeconds: config.accessTtlSeconds,
      refreshTtlSeconds: config.refreshTtlSeconds,
      sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
    },
    store,
  );
  const guestTokens = createGuestTokenService(deps.keys);
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
    ? createHttpsServer(httpsOptions(config.tls), onRequest)
    : createHttpServer(onRequest);

  const state = deps.state ?? createMemoryState();
  const limits = createConnectionLimits(config, {
    connections: state.connections,
    trustProxies,
    log,
  });
  const io = new Server(http, {
    maxHttpBufferSize: LIMITS.packetBytes,
    cors: { origin: config.origins },
    allowRequest: limits.allowRequest(originAllowed(config.origins, log, trustProxies)),
    // A connection that has not signed in by then is closed (Socket.io's default: 45 s).
    connectTimeout: config.handshakeTimeoutMs,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // Across nodes, long-polling too (the original mobile app's `io(url)` starts with it): its
    // requests must all reach one node, so the balancer is sticky (README); WebSocket-only
    // clients need no stickiness, one WebSocket being one connection to one node.
    ...(state.adapter ? { adapter: state.adapter } : {}),
  });
  closeSilentConnections(http, config.handshakeTimeoutMs, config.tls !== undefined);
  const { registry, connections } = state;
  const delivery = createDelivery(io);
  const presence = createPresence({ store, registry, connections, delivery });
  const people = createPeople(store, state.lobby);
  const calls = createCallHandlers({
    store,
    people,
    registry,
    connections,
    delivery,
    presence,
    log,
    audit,
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
    if (gone.remaining === 0) await calls.offline(gone.userId);
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
    audit,
    limits: state.signIn,
    passwordCost: deps.passwordCost,
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
    audit,
    now: deps.now ?? Date.now,
  });
  const signer = deps.receiptSigner;
  const receipts = createReceipts({ registry, people, audit, signer });
  registerReceiptRoutes(router, { store, tokens, receipts, signer });
  let retention: { stop(): Promise<void> } | undefined;
  let pruning: { stop(): Promise<void> } | undefined;
  io.use(limits.byAddress);
  installSocketAuth(io, { tokens, guestTokens, store, log });
  io.use(limits.byAccount);
  const accounts = watchAccounts(io, { store, log, intervalMs: config.accountCheckMs });
  io.engine.on('connection', (raw: Parameters<typeof limits.track>[0] & EngineConnection) => {
    limits.track(raw);
    forgetRequest(raw);
  });

  // One set of dependencies (and so one set of handlers) for every socket.
  const connectionDeps: ConnectionDeps = {
    calls,
    guests,
    connections,
    presence,
    tokens,
    store,
    messageLimiter,
    socketQueueLimit: config.socketQueueLimit,
    log,
    track,
    socketById: (id) => io.sockets.sockets.get(id),
  };
  io.on('connection', (socket) => {
    handleConnection(socket, connectionDeps);
  });

  return {
    http,
    io,
    listen: () =>
      new Promise((resolve, reject) => {
        const { auditRetentionDays: retentionDays } = config;
        retention ??= startRetention({ store: audit.store, retentionDays, log });
        pruning ??= startTokenPruning({ store, log });
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          const { port } = http.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve(`${config.tls ? 'https' : 'http'}://${host}:${port}`);
        });
      }),
    close: async () => {
      // Closing disconnects every socket, whose handlers may arm timers: stop those after.
      accounts.stop();
      await io.close();
      await Promise.all(pending);
      calls.close();
      await retention?.stop();
      await pruning?.stop();
      await audit.flush();
      http.closeAllConnections();
    },
  };
}
