/**
 * Serves the built renderer on loopback with the same CSP header the app's app:// protocol sends,
 * so the tests run the renderer under the production policy; and the test host's bridge
 * (page-bridge.ts), which that policy allows because it is the page's own origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { CSP } from '../../main/shell/protocol.ts';
import { acceptBridge } from './page-bridge.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export async function serveRenderer(
  root: string,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
    const file = join(root, path === sep || path === '/' ? 'index.html' : path);
    if (!file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[extname(file)] ?? 'application/octet-stream';
        res.writeHead(200, {
          'content-type': type,
          ...(type.startsWith('text/html') ? { 'content-security-policy': CSP } : {}),
        });
        res.end(body);
      },
      () => {
        res.writeHead(404).end();
      },
    );
  });
  // Each advisor page's bridge to its main-process services, on the page's own origin.
  server.on('upgrade', acceptBridge);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
