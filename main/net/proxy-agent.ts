/**
 * How main's Socket.io connection reaches the server on a firm's network: the route the system
 * proxy settings (PAC) give for the server's URL, as an HTTP CONNECT agent for socket.io-client
 * (engine.io-client hands `agent` and `ca` to ws, which hands them to https.request), and the CA
 * list that includes the OS store. A 407 from the proxy asks the advisor for the proxy sign-in;
 * the next reconnect attempt sends it.
 */
import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { chooseRoute, type ProxyRoute } from './pac.ts';
import type { ProxyLogin } from './proxy-login.ts';

export interface SocketTransport {
  /** undefined: a direct connection. */
  agent?: Agent;
  /** Every CA the TLS handshake with the server (and an HTTPS proxy) may chain to. */
  ca: string[];
}

export type SocketTransportFor = (serverUrl: string) => Promise<SocketTransport>;

export interface SocketTransportDeps {
  /** The system's proxy answer for a URL (Electron: session.resolveProxy), e.g. "PROXY p:8080; DIRECT". */
  resolveProxy: (url: string) => Promise<string>;
  /** Node's CAs plus the OS store's (trusted-certificates.ts), or a test's stand-in. */
  trustedCertificates: () => string[];
  proxyLogin?: Pick<ProxyLogin, 'credentialsFor' | 'answer'>;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function proxyAgent(
  route: Extract<ProxyRoute, { kind: 'proxy' }>,
  ca: string[],
  deps: SocketTransportDeps,
): Agent {
  const log = deps.log ?? (() => undefined);
  // Asked once more after each answer, never again after a cancel: reconnect attempts come every
  // few seconds and must not bring the prompt back each time.
  let declined = false;
  const agent = new HttpsProxyAgent(route.url, {
    ca, // for an HTTPS proxy's own certificate
    // Read on every CONNECT, so a sign-in given after a 407 is used by the next attempt.
    headers: () => {
      const credentials = deps.proxyLogin?.credentialsFor(route.host, route.port);
      return credentials
        ? { 'Proxy-Authorization': basicAuth(credentials.username, credentials.password) }
        : {};
    },
  });
  agent.on('proxyConnect', ({ statusCode }: { statusCode: number }) => {
    if (statusCode === 200) return;
    log('proxy.connect-refused', { proxy: `${route.host}:${route.port}`, status: statusCode });
    const proxyLogin = deps.proxyLogin;
    // 407 asks for a sign-in; some proxies (tinyproxy) answer a wrong one with 401.
    if ((statusCode !== 407 && statusCode !== 401) || !proxyLogin || declined) return;
    const retry = proxyLogin.credentialsFor(route.host, route.port) !== null;
    void proxyLogin
      .answer({ host: route.host, port: route.port, realm: '', retry })
      .then((credentials) => {
        if (!credentials) declined = true;
      });
  });
  return agent;
}

export function createSocketTransport(deps: SocketTransportDeps): SocketTransportFor {
  const log = deps.log ?? (() => undefined);
  return async (serverUrl) => {
    const ca = deps.trustedCertificates();
    let answer = 'DIRECT';
    try {
      answer = await deps.resolveProxy(serverUrl);
    } catch (error) {
      log('proxy.resolve-failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
    const { route, unsupported } = chooseRoute(answer);
    if (unsupported.length > 0 && route.kind === 'direct') {
      log('proxy.unsupported-only', {
        offered: unsupported.join('; '),
        note: 'The system proxy settings offer only proxies the server connection cannot use (SOCKS), so it connects directly.',
      });
    } else if (unsupported.length > 0) {
      log('proxy.unsupported-skipped', { offered: unsupported.join('; ') });
    }
    if (route.kind === 'direct') return { ca };
    log('proxy.route', { proxy: `${route.host}:${route.port}` });
    return { agent: proxyAgent(route, ca, deps), ca };
  };
}
