/**
 * Main's REST calls through Chromium's network stack (Electron's net.request on the app's
 * session): the system proxy and PAC script, NTLM/Kerberos proxy sign-in as the logged-in user,
 * and the OS trust store, as a browser on the same computer would have them.
 *
 * Not `net.fetch`: its requests have no 'login' listener, so a proxy asking for a password is
 * cancelled without `app.on('login')` ever hearing of it (electron/electron#44249). This is the
 * same request with that listener, answered from proxy-login.ts.
 */
import type { ClientRequest, ClientRequestConstructorOptions, IncomingMessage } from 'electron';
import type { Fetch } from '../session/server-api.ts';
import type { ProxyLogin } from './proxy-login.ts';

export interface NetFetchDeps {
  /** Electron's `net.request` bound to the app's session. */
  request: (options: ClientRequestConstructorOptions) => ClientRequest;
  proxyLogin: Pick<ProxyLogin, 'answer'>;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function responseOf(message: IncomingMessage, body: Buffer, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const empty = NULL_BODY_STATUSES.has(message.statusCode) || method === 'HEAD';
  return new Response(empty ? null : new Uint8Array(body), {
    status: message.statusCode,
    statusText: message.statusMessage,
    headers,
  });
}

function urlOf(input: Parameters<Fetch>[0]): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

export function createNetFetch(deps: NetFetchDeps): Fetch {
  const netFetch = (input: Parameters<Fetch>[0], init: RequestInit = {}): Promise<Response> => {
    const { signal } = init;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const method = (init.method ?? 'GET').toUpperCase();
    // Every caller (server-api.ts) sends JSON text; anything else is a programming error.
    if (init.body != null && typeof init.body !== 'string') {
      return Promise.reject(new TypeError('net-fetch sends text bodies only'));
    }
    return new Promise<Response>((resolve, reject) => {
      const request = deps.request({
        url: urlOf(input),
        method,
        redirect: init.redirect === 'manual' ? 'manual' : (init.redirect ?? 'follow'),
        // Our requests carry a bearer token; the session's cookies are not ours to send.
        useSessionCookies: false,
        credentials: 'omit',
      });
      new Headers(init.headers).forEach((value, name) => {
        request.setHeader(name, value);
      });
      let attempts = 0;
      request.on('login', (authInfo, callback) => {
        attempts += 1;
        // Only a proxy's challenge is answered; a server asking for a password is not ours.
        if (!authInfo.isProxy) {
          callback();
          return;
        }
        void deps.proxyLogin
          .answer({
            host: authInfo.host,
            port: authInfo.port,
            realm: authInfo.realm,
            retry: attempts > 1,
          })
          .then((credentials) => {
            if (credentials) callback(credentials.username, credentials.password);
            else callback();
          });
      });
      request.on('response', (message) => {
        const chunks: Buffer[] = [];
        message.on('data', (chunk: Buffer) => chunks.push(chunk));
        message.on('end', () => {
          resolve(responseOf(message, Buffer.concat(chunks), method));
        });
        message.on('error', reject);
      });
      request.on('error', reject);
      signal?.addEventListener(
        'abort',
        () => {
          request.abort();
          reject(signal.reason as Error);
        },
        { once: true },
      );
      if (typeof init.body === 'string') request.end(init.body);
      else request.end();
    });
  };
  return netFetch;
}
