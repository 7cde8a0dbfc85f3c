/**
 * What the nodes of a cluster must share: calls, connection counts, call timers, sign-in and
 * knock limits, the guests' lobby and the Socket.io adapter. One node keeps them in memory (this
 * file); `--redis` puts them in Redis (server/cluster/redis-state.ts). Accounts stay in the
 * SQLite store either way.
 */
import type { ServerOptions } from 'socket.io';
import { KNOCK_LIMIT, createMemoryRateLimiter, type RateLimiter } from './auth/rate-limit.ts';
import { createSignInLimits, type SignInLimits } from './auth/sign-in-limits.ts';
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
  /** Sign-in and refresh budgets per address, per account and per both. */
  signIn: SignInLimits;
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
    signIn: createSignInLimits((_name, options) => createMemoryRateLimiter(options)),
    knockLimiter: createMemoryRateLimiter(KNOCK_LIMIT),
    lobby: createMemoryLobby(),
    close: () => Promise.resolve(),
  };
}
