/** A small JSON router: exact method + path, handlers return the body or throw HttpError. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Logger } from '../log.ts';
import { clientAddress } from './client-address.ts';
import { HttpError, readJson, sendError, sendJson } from './json.ts';

export interface RequestContext {
  req: IncomingMessage;
  /** The client's address, for per-address limits. */
  address: string;
}
type Handler = (ctx: RequestContext) => Promise<unknown>;

export interface Router {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
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

/** `trustedProxies`: reverse proxies whose X-Forwarded-For names the client (client-address.ts). */
export function createRouter(log: Logger, trustedProxies: ReadonlySet<string> = new Set()): Router {
  const routes = new Map<string, Handler>();

  return {
    get: (path, handler) => routes.set(`GET ${path}`, handler),
    post: (path, handler) => routes.set(`POST ${path}`, handler),
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (!path.startsWith('/api/')) return false;
      const handler = routes.get(`${req.method ?? 'GET'} ${path}`);
      const ctx: RequestContext = { req, address: clientAddress(req, trustedProxies) };
      void (async () => {
        try {
          if (!handler)
            throw new HttpError(404, 'not-found', `No such endpoint: ${req.method} ${path}`);
          sendJson(res, 200, await handler(ctx));
        } catch (error) {
          if (error instanceof HttpError) {
            sendError(res, error);
          } else {
            log('http.error', { path, error: (error as Error).name });
            sendError(res, new HttpError(500, 'internal', 'The server failed; see its log.'));
          }
        }
      })();
      return true;
    },
  };
}
