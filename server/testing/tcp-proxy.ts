/**
 * A tiny TCP load balancer for tests: each new connection goes to the first backend that accepts
 * it, in the order given, so that when a node dies its clients' reconnects land on the next one.
 * A backend's connection closing closes the client's too, as a real balancer's would.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  close(): Promise<void>;
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export async function startTcpProxy(backendPorts: number[]): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    client.pause();
    open.add(client);
    client.once('close', () => open.delete(client));
    void (async () => {
      for (const port of backendPorts) {
        const backend = await dial(port).catch(() => null);
        if (!backend) continue;
        open.add(backend);
        backend.once('close', () => open.delete(backend));
        for (const [a, b] of [
          [client, backend],
          [backend, client],
        ] as const) {
          a.pipe(b);
          a.once('error', () => b.destroy());
          a.once('close', () => b.destroy());
        }
        client.resume();
        return;
      }
      client.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
