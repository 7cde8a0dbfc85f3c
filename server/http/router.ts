/**
 * A small JSON router: method + exact path, or a path ending in one `:id` segment. Handlers
 * return the body (200), a Reply (another status, or none), or throw HttpError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { GUEST_PAGE_PATH } from '../../shared/protocol/guest.ts';
import type { Logger } from '../log.ts';
import { clientAddress } from './client-address.ts';
import { HttpError, readJson, sendError, sendJson } from './json.ts';

export interface RequestContext {
  req: IncomingMessage;
  /** The client's address, for per-address limits. */
  address: string;
  /** The last path segment, for a route declared with a trailing `/:id`. */
  param?: string;
}
type Handler = (ctx: RequestContext) => Promise<unknown>;

/** A handler's answer with a status other than 200; no body for 204. */
export class Reply {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body?: unknown) {
    this.status = status;
    this.body = body;
  }
}

export interface Router {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
  delete(path: string, handler: Handler): void;
  /** Handles the request when a route matches; false otherwise (Socket.io's paths, 404s). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export async function parseBody<T>(ctx: RequestContext, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(await readJson(ctx.req));
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new HttpError(400, 'invalid-body', `Invalid ${where || 'body'}: ${issue?.message ?? ''}`);
  }
  return result.data;
}

/** A path fit for a log line: a guest link's token (`/join/<token>`) is never written down. */
export const loggablePath = (path: string): string =>
  path.startsWith(GUEST_PAGE_PATH) ? `${GUEST_PAGE_PATH}…` : path;

function send(res: ServerResponse, result: unknown): void {
  if (!(result instanceof Reply)) {
    sendJson(res, 200, result);
  } else if (result.status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
  } else {
    sendJson(res, result.status, result.body);
  }
}

/** `trustedProxies`: reverse proxies whose X-Forwarded-For names the client (client-address.ts). */
export function createRouter(log: Logger, trustedProxies: ReadonlySet<string> = new Set()): Router {
  const routes = new Map<string, Handler>();

  /** The handler for this method and path, and the `:id` segment if that is how it matched. */
  const find = (method: string, path: string): [Handler | undefined, string | undefined] => {
    const exact = routes.get(`${method} ${path}`);
    if (exact) return [exact, undefined];
    const cut = path.lastIndexOf('/');
    const param = path.slice(cut + 1);
    return param
      ? [routes.get(`${method} ${path.slice(0, cut)}/:id`), param]
      : [undefined, undefined];
  };

  return {
    get: (path, handler) => routes.set(`GET ${path}`, handler),
    post: (path, handler) => routes.set(`POST ${path}`, handler),
    delete: (path, handler) => routes.set(`DELETE ${path}`, handler),
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (!path.startsWith('/api/')) return false;
      const [handler, param] = find(req.method ?? 'GET', path);
      const ctx: RequestContext = {
        req,
        address: clientAddress(req, trustedProxies),
        ...(param === undefined ? {} : { param }),
      };
      void (async () => {
        try {
          if (!handler)
            throw new HttpError(404, 'not-found', `No such endpoint: ${req.method} ${path}`);
          send(res, await handler(ctx));
        } catch (error) {
          if (error instanceof HttpError) {
            sendError(res, error);
          } else {
            log('http.error', { path: loggablePath(path), error: (error as Error).name });
            sendError(res, new HttpError(500, 'internal', 'The server failed; see its log.'));
          }
        }
      })();
      return true;
    },
  };
}
