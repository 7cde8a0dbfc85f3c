/**
 * The server's command-line options (parseArgs' table) and the helpers that read their values;
 * config.ts turns them, the RR_* environment variables and the defaults into a ServerConfig.
 */
import type { ParseArgsOptionsConfig } from 'node:util';

export class ConfigError extends Error {}

export const SERVER_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  origin: { type: 'string', multiple: true },
  'trust-proxy': { type: 'string', multiple: true },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  stun: { type: 'string', multiple: true },
  turn: { type: 'string', multiple: true },
  'turn-ttl': { type: 'string' },
  'relay-only': { type: 'boolean' },
  'access-ttl': { type: 'string' },
  'refresh-ttl': { type: 'string' },
  'ring-timeout': { type: 'string' },
  'socket-rate': { type: 'string' },
  'max-sockets-per-user': { type: 'string' },
  'max-sockets-per-address': { type: 'string' },
  'handshake-rate': { type: 'string' },
  'handshake-timeout': { type: 'string' },
  redis: { type: 'string' },
  'redis-sentinel': { type: 'string', multiple: true },
  'redis-master-name': { type: 'string' },
  'guest-page-dir': { type: 'string' },
  'audit-retention-days': { type: 'string' },
  quiet: { type: 'boolean' },
  demo: { type: 'boolean' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

export const list = (values: string[] | undefined, env: string | undefined): string[] =>
  (values && values.length > 0 ? values : env ? [env] : [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

export function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}
