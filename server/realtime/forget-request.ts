/**
 * A connection's first HTTP request is never read again once the connection is made, yet it stays
 * in memory for the connection's whole life: Socket.io keeps it as `conn.request`, and engine.io's
 * WebSocket upgrade keeps it too (its stand-in response, held by a `close` listener on the TCP
 * socket, points at it). Emptying it saves ~2 KiB per idle socket.
 */
import type { IncomingMessage } from 'node:http';

export interface EngineConnection {
  request: IncomingMessage | null;
  transport: { name: string };
}

export function forgetRequest(conn: EngineConnection): void {
  const request = conn.request;
  conn.request = null;
  // A long-polling handshake answers through its request after this point: leave it whole.
  if (!request || conn.transport.name !== 'websocket') return;
  for (const key of Reflect.ownKeys(request)) Reflect.deleteProperty(request, key);
}
