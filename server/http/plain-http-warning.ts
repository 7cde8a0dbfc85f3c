/**
 * Plain HTTP is fine on loopback (behind a TLS-terminating proxy on the same machine), and a
 * mistake anywhere else: passwords and tokens would cross the network readable. The server still
 * starts (IT may have a reason), but says so first.
 */
import { BlockList, isIP } from 'node:net';
import { normalizeAddress } from './client-address.ts';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, ::1 (and IPv4-mapped 127.x) and `localhost`; false for any other name. */
export function isLoopbackHost(host: string): boolean {
  const bare = normalizeAddress(host.replace(/^\[(.*)\]$/, '$1'));
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && loopback.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The sentence to log at start, or undefined when there is nothing to warn about. */
export function plainHttpWarning(host: string, tls: boolean): string | undefined {
  if (tls || isLoopbackHost(host)) return undefined;
  return (
    `Listening on ${host} without TLS, and ${host} is not a loopback address: sign-in ` +
    'passwords and tokens would cross the network unencrypted. Give --tls-cert and --tls-key, ' +
    'or listen on 127.0.0.1 behind a reverse proxy that terminates TLS.'
  );
}
