/**
 * Disabling an account ends its connections. IT disables from the admin CLI, another process that
 * writes the account store (the SQLite file every node of one host shares, or the PostgreSQL
 * database every node shares), so each node looks, every `accountCheckMs`, at the members
 * connected to it and ends the sockets of any account now disabled (or gone), telling them why
 * first. One query per check for all the accounts connected to the node; no message between
 * processes is needed, with Redis or without.
 */
import type { Server, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';
import { socketUser } from './socket-auth.ts';

export const ACCOUNT_DISABLED_MESSAGE =
  'Your account has been disabled, so you were signed out. Ask your IT team.';

/** Whether the member may still act: their account exists and is not disabled. */
export async function accountEnabled(store: AccountStore, userId: string): Promise<boolean> {
  const user = await store.userById(userId);
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
  const check = async (): Promise<void> => {
    // This node's sockets only: every node runs its own check.
    const members = [...io.of('/').sockets.values()].filter(
      (socket) => socketUser(socket).role === 'member',
    );
    if (members.length === 0) return;
    const ids = [...new Set(members.map((socket) => socketUser(socket).userId))];
    const inactive = new Set(await deps.store.inactiveUserIds(ids));
    for (const socket of members) {
      if (inactive.has(socketUser(socket).userId)) endDisabled(socket, deps.log);
    }
  };
  let checking = false;
  const timer = setInterval(() => {
    // A check still under way (a slow database) is not doubled up.
    if (checking) return;
    checking = true;
    check()
      .catch((error: unknown) => {
        // A busy, locked or unreachable database: the next check tries again.
        deps.log('socket.account-check-failed', { error: (error as Error).name });
      })
      .finally(() => {
        checking = false;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
    },
  };
}
