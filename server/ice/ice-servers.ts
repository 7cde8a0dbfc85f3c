/**
 * ICE servers for clients: STUN URLs as configured and, when a TURN secret is set, TURN
 * credentials in the TURN REST scheme (username `expiry:userId`, credential =
 * base64(HMAC-SHA1(secret, username))), which coturn checks with `use-auth-secret`.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../shared/protocol/rest.ts';

export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  turnSecret?: string;
  turnTtlSeconds: number;
  /** Tell clients to use only TURN relays (needs TURN configured). */
  relayOnly?: boolean;
}

export const MAX_TURN_TTL_SECONDS = 3600;

export function iceServersFor(
  userId: string,
  config: IceConfig,
  now = Date.now(),
): { iceServers: IceServer[]; ttl?: number; iceTransportPolicy?: 'all' | 'relay' } {
  const iceServers: IceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls });
  if (config.turnUrls.length === 0 || !config.turnSecret) return { iceServers };
  const ttl = Math.min(config.turnTtlSeconds, MAX_TURN_TTL_SECONDS);
  const username = `${Math.floor(now / 1000) + ttl}:${userId}`;
  const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
  iceServers.push({ urls: config.turnUrls, username, credential });
  return { iceServers, ttl, ...(config.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}) };
}
