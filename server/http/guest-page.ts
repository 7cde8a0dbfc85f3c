/**
 * The guest page, served by the server itself so that a guest needs nothing but a browser:
 * GET /join/<token> is the page (the token stays in the address bar for the page's script to
 * read; it is never logged), GET /join/assets/<file> its hashed scripts, styles and images. The
 * files are the guest build (`guestPageDir`: index.html + assets/). Strict headers on both: the
 * page runs only its own scripts, talks only to this server, and never sends the link onwards.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { GUEST_PAGE_PATH } from '../../shared/protocol/guest.ts';
import type { Logger } from '../log.ts';

export const GUEST_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': GUEST_PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'permissions-policy': 'camera=(self), microphone=(self), display-capture=()',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export const NOT_INSTALLED = 'The guest page is not installed on this server.';
const ASSETS = `${GUEST_PAGE_PATH}assets/`;
/** One file name: no slashes, no `..`, nothing percent-encoded. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** One path segment, as a link token is (whatever it holds, it names the page). */
const SEGMENT = /^[^/]+$/;

function sendText(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

/** What a request under /join/ asks for: the page, one asset, or nothing we have. */
function target(path: string): { file: string; type: string; page: boolean } | undefined {
  if (path.startsWith(ASSETS)) {
    const name = path.slice(ASSETS.length);
    const type = CONTENT_TYPES[extname(name)];
    if (!FILE_NAME.test(name) || name.includes('..') || !type) return undefined;
    return { file: join('assets', name), type, page: false };
  }
  const segment = path.slice(GUEST_PAGE_PATH.length);
  if (!SEGMENT.test(segment)) return undefined;
  return { file: 'index.html', type: 'text/html; charset=utf-8', page: true };
}

/** Serves the guest page for paths under /join/; false for every other path. */
export function createGuestPage(dir: string, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith(GUEST_PAGE_PATH)) return false;
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      sendText(res, 405, 'Only GET is served here.');
      return true;
    }
    const found = target(path);
    if (!found) {
      sendText(res, 404, 'Not found.', head);
      return true;
    }
    readFile(join(dir, found.file)).then(
      (body) => {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': found.type,
          'content-length': body.length,
          // The page must never be served stale; hashed assets never change under their name.
          'cache-control': found.page ? 'no-store' : 'public, max-age=31536000, immutable',
        });
        res.end(head ? undefined : body);
      },
      () => {
        if (found.page) {
          log('guest-page.missing', { dir });
          sendText(res, 503, NOT_INSTALLED, head);
        } else {
          sendText(res, 404, 'Not found.', head);
        }
      },
    );
    return true;
  };
}
