/**
 * What the system's proxy settings (or the firm's PAC script) say about one URL, as Chromium
 * answers `session.resolveProxy(url)`: a list such as "PROXY proxy.firm:8080; DIRECT", tried in
 * order. The signaling socket can go through an HTTP proxy (CONNECT), an HTTPS proxy (CONNECT
 * over TLS) or directly; SOCKS and QUIC proxies it cannot use.
 */

export type ProxyRoute =
  | { kind: 'direct' }
  | {
      kind: 'proxy';
      /** http://host:port or https://host:port */ url: string;
      host: string;
      port: number;
    };

export interface RouteChoice {
  route: ProxyRoute;
  /** Entries we passed over because this app cannot use them (e.g. "SOCKS5 socks.firm:1080"). */
  unsupported: string[];
}

const DEFAULT_PORTS: Record<string, number> = { PROXY: 80, HTTPS: 443 };

/** "host:port", "[::1]:8080" or "host" (the type's default port). */
function hostAndPort(value: string, defaultPort: number): { host: string; port: number } | null {
  const match = /^(\[[0-9a-f:.]+\]|[^\s:[\]]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!match?.[1]) return null;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { host: match[1], port };
}

function parseEntry(entry: string): ProxyRoute | null {
  const [type = '', value = ''] = entry.trim().split(/\s+/, 2);
  const kind = type.toUpperCase();
  if (kind === 'DIRECT') return { kind: 'direct' };
  const defaultPort = DEFAULT_PORTS[kind];
  if (defaultPort === undefined) return null;
  const address = hostAndPort(value, defaultPort);
  if (!address) return null;
  const scheme = kind === 'HTTPS' ? 'https' : 'http';
  return { kind: 'proxy', url: `${scheme}://${address.host}:${address.port}`, ...address };
}

/**
 * The first route of a PAC answer that this app can use. When there is none (only SOCKS, say),
 * the route is direct and `unsupported` says what was offered, so the caller can log it.
 */
export function chooseRoute(pacResult: string): RouteChoice {
  const unsupported: string[] = [];
  for (const entry of pacResult.split(';')) {
    if (entry.trim() === '') continue;
    const route = parseEntry(entry);
    if (route) return { route, unsupported };
    unsupported.push(entry.trim());
  }
  return { route: { kind: 'direct' }, unsupported };
}
