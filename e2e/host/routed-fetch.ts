/**
 * The test host's stand-in for Chromium's network stack (main/net/net-fetch.ts in the app): Node's
 * fetch sent the way the system proxy answer says (main/net/pac.ts), through undici's CONNECT
 * proxy client, trusting the same CA list (the "system store stand-in") as the socket, with the
 * proxy sign-in the advisor gave, if any. Only the HTTP client differs from the app.
 */
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Fetch } from '../../main/session/server-api.ts';
import { chooseRoute } from '../../main/net/pac.ts';
import type { ProxyLogin } from '../../main/net/proxy-login.ts';

export interface RoutedFetch {
  fetch: Fetch;
  /** Closes the kept-alive connections. */
  close(): Promise<void>;
}

export function routedFetch(deps: {
  resolveProxy: (url: string) => Promise<string>;
  trustedCertificates: () => string[];
  proxyLogin?: Pick<ProxyLogin, 'credentialsFor'>;
}): RoutedFetch {
  const dispatchers = new Map<string, Dispatcher>();

  async function dispatcherFor(url: string): Promise<Dispatcher> {
    const { route } = chooseRoute(await deps.resolveProxy(url));
    const ca = deps.trustedCertificates();
    const credentials =
      route.kind === 'proxy' ? deps.proxyLogin?.credentialsFor(route.host, route.port) : null;
    const key = `${route.kind === 'proxy' ? route.url : 'direct'}|${credentials?.username ?? ''}`;
    let dispatcher = dispatchers.get(key);
    if (!dispatcher) {
      dispatcher =
        route.kind === 'direct'
          ? new Agent({ connect: { ca } })
          : new ProxyAgent({
              uri: route.url,
              requestTls: { ca },
              proxyTls: { ca },
              ...(credentials
                ? {
                    token: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
                  }
                : {}),
            });
      dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }

  const fetchThrough = async (input: Parameters<Fetch>[0], init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const dispatcher = await dispatcherFor(url);
    // Node's fetch is undici's: it takes an undici dispatcher beside the standard options (the
    // DOM's RequestInit type, which the e2e config sees, has no such field).
    const withDispatcher: RequestInit = Object.assign({}, init, { dispatcher });
    return fetch(input, withDispatcher);
  };

  return {
    fetch: fetchThrough,
    close: async () => {
      await Promise.all([...dispatchers.values()].map((d) => d.close().catch(() => undefined)));
      dispatchers.clear();
    },
  };
}
