/**
 * The client address a per-address limit keys on. Behind a reverse proxy every request comes
 * from the proxy, so all clients would share one bucket; the proxy names the client in
 * X-Forwarded-For. That header is anyone's to write, so it counts only on a connection from a
 * proxy IT listed (`--trust-proxy`), and then only its right-most entry that is not itself a
 * listed proxy: entries to the left of it were written by the client and prove nothing.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) and `10.0.0.1` are one address. */
export const normalizeAddress = (address: string): string => {
  const bare = address.trim().toLowerCase();
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  return v4 ?? bare;
};

export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? 'unknown');
  if (!trustedProxies.has(peer)) return peer;
  // Node joins repeated X-Forwarded-For headers with ", ", so one split reads them all in order.
  const raw = req.headers['x-forwarded-for'] ?? '';
  const forwarded = (Array.isArray(raw) ? raw.join(',') : raw).split(',').map(normalizeAddress);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i] ?? '';
    if (trustedProxies.has(hop)) continue;
    // A proxy that writes something other than an address is misconfigured: key on the proxy.
    return isIP(hop) ? hop : peer;
  }
  return peer;
}
