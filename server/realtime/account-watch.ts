/**
 * Disabling an account ends its connections. IT disables from the admin CLI, another process that
 * writes the account store (SQLite, which every node of one machine shares), so each node looks,
 * every `accountCheckMs`, at the members connected to it and ends the sockets of any account now
 * disabled (or gone), telling them why first. One primary-key lookup per connected account per
 * check; no message between processes is needed, with Redis or without.
 */
import type { Server, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';
import { socketUser } from './socket-auth.ts';

export const ACCOUNT_DISABLED_MESSAGE =
  'Your account has been disabled, so you were signed out. Ask your IT team.';

/** Whether the member may still act: their account exists and is not disabled. */
export function accountEnabled(store: AccountStore, userId: string): boolean {
  const user = store.userById(userId);
  return user !== undefined && !user.disabled;
}

/** Sockets ended because their account is disabled: their departure is final (no grace). */
const ended = new WeakSet<Socket>();
export const endedAsDisabled = (socket: Socket): boolean => ended.has(socket);

/** Tells the socket its account is disabled, then disconnects it. */
export function endDisabled(socket: Socket, log: Logger): void {
  if (ended.has(socket) || socket.disconnected) return;
  ended.add(socket);
  log('socket.account-disabled', { userId: socketUser(socket).userId, socketId: socket.id });
  socket.emit('account-disabled', { message: ACCOUNT_DISABLED_MESSAGE });
  socket.disconnect(true);
}

export function watchAccounts(
  io: Server,
  deps: { store: AccountStore; log: Logger; intervalMs: number },
): { stop(): void } {
  const check = (): void => {
    const verdicts = new Map<string, boolean>();
    // This node's sockets only: every node runs its own check.
    for (const socket of io.of('/').sockets.values()) {
      const user = socketUser(socket);
      if (user.role !== 'member') continue;
      let enabled = verdicts.get(user.userId);
      if (enabled === undefined) {
        enabled = accountEnabled(deps.store, user.userId);
        verdicts.set(user.userId, enabled);
      }
      if (!enabled) endDisabled(socket, deps.log);
    }
  };
  const timer = setInterval(() => {
    try {
      check();
    } catch (error) {
      // A busy or locked database: the next check tries again.
      deps.log('socket.account-check-failed', { error: (error as Error).name });
    }
  }, deps.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
