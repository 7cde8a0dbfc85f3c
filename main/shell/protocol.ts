/**
 * The `app://` scheme that serves the built renderer, so the page has a real origin
 * (`app://advisor`) with a strict CSP instead of `file://`, which would reach the whole disk.
 *
 * Electron's `protocol` is passed in rather than imported: the browser test host imports CSP and
 * APP_ORIGIN from here under plain Node, where the `electron` module cannot load.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';

export const APP_SCHEME = 'app';
const APP_HOST = 'advisor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Sent with every HTML page. No 'unsafe-eval', no inline scripts, nothing from elsewhere. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React's style attributes; styles cannot run code.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Privileges of the scheme. `standard` gives it a real origin (for the router's sender check and
 * permission decisions), `secure` makes getUserMedia available, `stream` lets media play from it.
 * Never `bypassCSP`: the CSP above is the point.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.webm': 'video/webm',
};

/** `scheme://host` of a URL or origin string (custom schemes have an opaque WHATWG origin). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names, relative to the renderer folder, or null when the path could leave
 * the folder. Pure. Chromium already resolves `..` in standard URLs; this refuses rather than
 * trusts: any `..` segment, encoded separators (`%2f`, `%5c`), backslashes, NUL and drive
 * letters (`C:`) mean no file.
 */
export function resolveAppPath(pathname: string): string | null {
  if (!pathname.startsWith('/') || pathname.includes('\\')) return null;
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..' || /[/\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments.length === 0 ? 'index.html' : segments.join('/');
}

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

function isInside(root: string, file: string): boolean {
  return file.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The request handler for `protocol.handle('app', …)`: GET only, files of `folder` only (after
 * resolving symlinks, so a link cannot point outside), CSP on HTML.
 */
export function createAppRequestHandler(folder: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') {
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET' } });
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (originOf(url.href) !== APP_ORIGIN) return notFound();
    // Chromium gives a standard scheme's bare origin the path "/"; WHATWG parsers give "".
    const relative = resolveAppPath(url.pathname || '/');
    if (relative === null) return notFound();
    try {
      const root = await realpath(folder);
      const file = await realpath(join(root, relative));
      if (!isInside(root, file) || !(await stat(file)).isFile()) return notFound();
      const body = await readFile(file);
      const type = contentTypeFor(file);
      const headers: Record<string, string> = {
        'content-type': type,
        'x-content-type-options': 'nosniff',
      };
      if (type.startsWith('text/html')) headers['content-security-policy'] = CSP;
      return new Response(body, { status: 200, headers });
    } catch {
      return notFound();
    }
  };
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Serves the built renderer from `folder` at app://advisor/ (after the app is ready). */
export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, folder: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(folder));
}
