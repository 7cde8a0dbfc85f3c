/**
 * A firm's network for main's services in the test host: what the "system proxy settings" answer
 * (a PAC result), what the "OS trust store" holds (Node's CAs plus, say, the firm's private CA),
 * and the proxy sign-in the advisor gave. The socket goes through main's own proxy-agent.ts, as
 * in the app; REST through routed-fetch.ts, the stand-in for Chromium's stack.
 */
import { getCACertificates } from 'node:tls';
import { createSocketTransport, type SocketTransportFor } from '../../main/net/proxy-agent.ts';
import type { ProxyLogin } from '../../main/net/proxy-login.ts';
import type { Fetch } from '../../main/session/server-api.ts';
import { routedFetch } from './routed-fetch.ts';

export interface FirmNetworkOptions {
  /** The system proxy answer for every URL, e.g. "PROXY 127.0.0.1:3128" or "DIRECT". */
  pac: string;
  /** PEM certificates of the firm's CAs, added to Node's in the "OS trust store" stand-in. */
  extraCas?: string[];
  proxyLogin?: Pick<ProxyLogin, 'credentialsFor' | 'answer'>;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface FirmNetwork {
  fetch: Fetch;
  socketTransport: SocketTransportFor;
  close(): Promise<void>;
}

export function firmNetwork(options: FirmNetworkOptions): FirmNetwork {
  const trusted = [...getCACertificates('default'), ...(options.extraCas ?? [])];
  const resolveProxy = () => Promise.resolve(options.pac);
  const rest = routedFetch({
    resolveProxy,
    trustedCertificates: () => trusted,
    ...(options.proxyLogin ? { proxyLogin: options.proxyLogin } : {}),
  });
  return {
    fetch: rest.fetch,
    socketTransport: createSocketTransport({
      resolveProxy,
      trustedCertificates: () => trusted,
      ...(options.proxyLogin ? { proxyLogin: options.proxyLogin } : {}),
      ...(options.log ? { log: options.log } : {}),
    }),
    close: () => rest.close(),
  };
}
