/**
 * What the nodes of a cluster must share: calls, connection counts, call timers, sign-in and
 * knock limits, the guests' lobby and the Socket.io adapter. One node keeps them in memory (this
 * file); `--redis` puts them in Redis (server/cluster/redis-state.ts). Accounts stay in the
 * SQLite store either way.
 */
import type { ServerOptions } from 'socket.io';
import {
  KNOCK_LIMIT,
  LOGIN_LIMITS,
  createMemoryRateLimiter,
  type RateLimiter,
} from './auth/rate-limit.ts';
import { createMemoryCallRegistry, type CallRegistry } from './calls/registry.ts';
import { createMemoryTimers, type TimerFactory } from './calls/timers.ts';
import { createMemoryLobby, type Lobby } from './guests/lobby.ts';
import { createMemoryConnectionCounter, type ConnectionCounter } from './presence/presence.ts';

export interface GoneSocket {
  userId: string;
  socketId: string;
  /** The user's connections left on every node after this one. */
  remaining: number;
}

export interface SharedState {
  registry: CallRegistry;
  connections: ConnectionCounter;
  timers: TimerFactory;
  accountLimiter: RateLimiter;
  addressLimiter: RateLimiter;
  /** Guests' knocks per client address. */
  knockLimiter: RateLimiter;
  /** Guests waiting for, admitted by or refused by an advisor. */
  lobby: Lobby;
  /** Relays emits to sockets on every node; absent on a single node. */
  adapter?: ServerOptions['adapter'];
  /** Hands over, one by one, the sockets of nodes that died, for this live node to clean up. */
  onNodeDeath?(handle: (gone: GoneSocket) => Promise<void>): void;
  close(): Promise<void>;
}

export function createMemoryState(): SharedState {
  return {
    registry: createMemoryCallRegistry(),
    connections: createMemoryConnectionCounter(),
    timers: createMemoryTimers,
    accountLimiter: createMemoryRateLimiter(LOGIN_LIMITS.account),
    addressLimiter: createMemoryRateLimiter(LOGIN_LIMITS.address),
    knockLimiter: createMemoryRateLimiter(KNOCK_LIMIT),
    lobby: createMemoryLobby(),
    close: () => Promise.resolve(),
  };
}
