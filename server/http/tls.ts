/**
 * The HTTPS server's TLS settings. TLS 1.2 is pinned as the minimum here rather than left to
 * Node's default, which an operator's `NODE_OPTIONS=--tls-min-v1.0` (set for some other legacy
 * peer) would lower for this server too.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions } from 'node:https';

export const TLS_MIN_VERSION = 'TLSv1.2';

export function httpsOptions(tls: { certFile: string; keyFile: string }): ServerOptions {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: TLS_MIN_VERSION,
  };
}
