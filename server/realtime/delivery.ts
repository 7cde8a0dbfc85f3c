import type { Server } from 'socket.io';
import type { ServerEventName, ServerPayload } from '../../shared/protocol/signaling.ts';

export const userRoom = (userId: string): string => `user:${userId}`;

/** Typed emits: every server event goes out with the payload its schema describes. */
export function createDelivery(io: Server) {
  return {
    toUser<E extends ServerEventName>(
      userId: string | string[],
      event: E,
      payload: ServerPayload<E>,
      exceptSocket?: string,
    ): void {
      const rooms = Array.isArray(userId) ? userId.map(userRoom) : userRoom(userId);
      if (Array.isArray(rooms) && rooms.length === 0) return;
      const target = exceptSocket ? io.to(rooms).except(exceptSocket) : io.to(rooms);
      target.emit(event, payload);
    },
    toSocket<E extends ServerEventName>(
      socketId: string,
      event: E,
      payload: ServerPayload<E>,
    ): void {
      io.to(socketId).emit(event, payload);
    },
    /** Ends every connection of this user, on any node (what was emitted to them goes first). */
    disconnectUser(userId: string): void {
      io.in(userRoom(userId)).disconnectSockets(true);
    },
  };
}
export type Delivery = ReturnType<typeof createDelivery>;
