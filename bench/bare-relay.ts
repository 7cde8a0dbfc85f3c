/**
 * The baseline: a bare Socket.io relay with no authentication, validation, call rules or
 * rate limits, relaying the same events to the room named by `to`. Run as a child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

// A blank page at / lets the call benchmark's bare pages load Socket.io's client from this origin.
const http = createServer((req, res) => {
  if (req.url === '/')
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>bare</title>');
});
const io = new Server(http);
const events = ['call-offer', 'call-answer', 'ice-candidate', 'call-decline', 'end-call'];

io.on('connection', (socket) => {
  const id = String(socket.handshake.query.id);
  void socket.join(id);
  for (const event of events) {
    socket.on(event, (payload: { to: string }) => {
      socket.to(payload.to).emit(event, { ...payload, from: id });
    });
  }
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`bare relay listening on http://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
