/**
 * A small HTTP load balancer for tests, sticky by cookie as HAProxy's `cookie … insert` is: a
 * request without our cookie goes to the next backend in turn (round robin), and its answer sets
 * `rr-node=<n>`; a request with the cookie goes to backend n, so that every request of one
 * Socket.io long-polling session, and its upgrade to WebSocket, reaches the node that holds it.
 * It notes which backends each Engine.IO session id (`sid`) was sent to, for tests to check.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const COOKIE = 'rr-node';

export interface StickyBalancer {
  url: string;
  /** The backends (indexes into the ports given) the requests of this Engine.IO session reached. */
  backendsOf(sid: string): number[];
  close(): Promise<void>;
}

export async function startStickyBalancer(backendPorts: number[]): Promise<StickyBalancer> {
  let turn = 0;
  const bySid = new Map<string, Set<number>>();
  const open = new Set<Duplex>();
  const keep = (socket: Duplex): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  /** The backend this request goes to, and whether its answer must set the cookie. */
  const route = (req: IncomingMessage): { backend: number; fresh: boolean } => {
    const named = new RegExp(`(?:^|;\\s*)${COOKIE}=(\\d+)`).exec(req.headers.cookie ?? '');
    const pinned = Number(named?.[1] ?? -1);
    const fresh = pinned < 0 || pinned >= backendPorts.length;
    const backend = fresh ? turn++ % backendPorts.length : pinned;
    const sid = new URL(req.url ?? '/', 'http://balancer').searchParams.get('sid');
    if (sid) bySid.set(sid, (bySid.get(sid) ?? new Set()).add(backend));
    return { backend, fresh };
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const { backend, fresh } = route(req);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: backendPorts[backend],
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const headers = { ...answer.headers };
        if (fresh) {
          const ours = `${COOKIE}=${backend}; Path=/; HttpOnly`;
          headers['set-cookie'] = [...(answer.headers['set-cookie'] ?? []), ours];
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const server = createServer(forward);
  server.on('connection', keep);
  // A WebSocket upgrade: the same route, then raw bytes both ways.
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const { backend } = route(req);
    const upstream: Socket = connect(backendPorts[backend] ?? 0, '127.0.0.1');
    keep(upstream);
    upstream.once('connect', () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i] ?? ''}: ${req.rawHeaders[i + 1] ?? ''}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.once('error', () => b.destroy());
      a.once('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    backendsOf: (sid) => [...(bySid.get(sid) ?? [])].sort(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
