/** Server configuration from command-line flags, then RR_* environment variables, then defaults. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_AUDIT_RETENTION_DAYS } from './audit/retention.ts';
import { ConfigError, SERVER_OPTIONS, integer, list } from './config-options.ts';
import {
  ACCOUNTS_OPTIONS,
  ACCOUNTS_USAGE,
  parseAccountsConfig,
  type AccountsConfig,
} from './config-accounts.ts';
import { parseRedisOptions, type RedisOptions } from './cluster/redis-config.ts';
import { MAX_ACCESS_TTL_SECONDS } from './auth/tokens.ts';
import { normalizeAddress } from './http/client-address.ts';
import { MAX_TURN_TTL_SECONDS, type IceConfig } from './ice/ice-servers.ts';

export type { RedisOptions } from './cluster/redis-config.ts';

/** AccountsConfig: the database, the signing keys' source and the sign-in's longest life. */
export interface ServerConfig extends AccountsConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Browser origins allowed to open a socket; clients without an Origin header (the app) always may. */
  origins: string[];
  /** Reverse proxies (exact IPs) whose X-Forwarded-For names the client for per-address limits. */
  trustProxies: string[];
  tls?: { certFile: string; keyFile: string };
  ice: IceConfig;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  ringTimeoutMs: number;
  disconnectGraceMs: number;
  /** How long one party's resume of a call the server forgot waits for the other party's. */
  resumeWindowMs: number;
  /** Messages per second one socket may send, sustained (bursts of four times that). */
  socketMessagesPerSecond: number;
  /** Messages of one socket the server holds while earlier ones wait (on Redis); past it, refused. */
  socketQueueLimit: number;
  /** Sockets one account may hold, on all nodes together. */
  maxSocketsPerUser: number;
  /** Connections one client address may hold on this node, signed in or not. */
  maxSocketsPerAddress: number;
  /** Handshakes one client address may start per second on this node (bursts of four times that). */
  handshakesPerSecond: number;
  /** How long a connection may take to send its request and authenticate before it is closed. */
  handshakeTimeoutMs: number;
  /** How often each node looks for disabled accounts among its sockets. */
  accountCheckMs: number;
  /** Share calls, presence and limits with other nodes through Redis; absent: this node alone. */
  redis?: RedisOptions;
  /** Audit records older than this many days are pruned (at start and daily). */
  auditRetentionDays: number;
  /** The guest page's files (index.html + assets/), served at /join/. */
  guestPageDir: string;
  /** Log one line per connection and call event (off only for benchmarks). */
  logEvents: boolean;
  demo: boolean;
}

export { ConfigError };

export const USAGE = `Usage: npm run server -- [options]
  --host <addr>          listen address (RR_HOST; default 127.0.0.1)
  --port <n>             port, 0 for any free one (RR_PORT; default 3001)
  --data <dir>           data folder: database and signing key (RR_DATA_DIR; default: per-user app data)
  --origin <url>         a browser origin allowed to connect; repeat or comma-separate (RR_ORIGINS)
  --trust-proxy <ip>     a reverse proxy's address whose X-Forwarded-For names the client for the
                         sign-in limit per address; repeat or comma-separate (RR_TRUST_PROXY; default none)
  --tls-cert <file>      serve HTTPS/WSS with this certificate (RR_TLS_CERT) ...
  --tls-key <file>       ... and this key (RR_TLS_KEY)
  --stun <url>           STUN URL; repeat or comma-separate (RR_STUN_URLS)
  --turn <url>           TURN URL; repeat or comma-separate (RR_TURN_URLS)
                         the TURN shared secret is read from RR_TURN_SECRET only (never a flag)
  --relay-only           clients send media only through the TURN relay (RR_RELAY_ONLY=1)
  --turn-ttl <s>         TURN credential lifetime, at most 3600 (RR_TURN_TTL; default 3600)
  --access-ttl <s>       access token lifetime, at most 600 (RR_ACCESS_TTL; default 600)
  --refresh-ttl <s>      refresh token lifetime (RR_REFRESH_TTL; default 2592000 = 30 days)
  --ring-timeout <s>     seconds a call rings before it is missed (RR_RING_TIMEOUT; default 30)
  --socket-rate <n>      signaling messages per second per socket (RR_SOCKET_RATE; default 50)
  --max-sockets-per-user <n>
                         sockets one account may hold, all nodes together
                         (RR_MAX_SOCKETS_PER_USER; default 10)
  --max-sockets-per-address <n>
                         connections one client address may hold on a node, signed in or not
                         (RR_MAX_SOCKETS_PER_ADDRESS; default 50)
  --handshake-rate <n>   connection attempts per second per client address on a node, bursts
                         of 4x (RR_HANDSHAKE_RATE; default 10)
  --handshake-timeout <s> seconds a new connection has to sign in (RR_HANDSHAKE_TIMEOUT; default 10)
  --redis <url>          run as one of several nodes sharing this Redis, e.g. redis://10.0.0.5:6379
                         (RR_REDIS_URL; put a password in the env var, not the flag); default: one node
  --redis-sentinel <host:port,...>
                         instead of --redis: the Redis Sentinel(s) to ask for the master; repeat or
                         comma-separate (RR_REDIS_SENTINELS); the master's password in RR_REDIS_PASSWORD
  --redis-master-name <name>
                         the name the sentinels monitor the master under (RR_REDIS_MASTER_NAME)
  --guest-page-dir <dir> the built guest page served at /join/ (RR_GUEST_PAGE_DIR; default .vite/guest)
  --audit-retention-days <n>
                         days the audit trail keeps a record (RR_AUDIT_RETENTION_DAYS; default 2192
                         = 6 years)
${ACCOUNTS_USAGE}
  --quiet                no per-event log lines
  --demo                 on an empty database, add a demo circle with two advisors and print their logins
  --help                 this text`;

/** Where per-user application data lives on this OS. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const name = 'richesreach-advisor-server';
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), name);
}

/** Where the guest page's build lands in this checkout (vite's guest build). */
export const DEFAULT_GUEST_PAGE_DIR = resolve(
  fileURLToPath(new URL('..', import.meta.url)),
  '.vite',
  'guest',
);

export function parseServerConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { ...SERVER_OPTIONS, ...ACCOUNTS_OPTIONS },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return 'help';

  const certFile = values['tls-cert'] ?? env.RR_TLS_CERT;
  const keyFile = values['tls-key'] ?? env.RR_TLS_KEY;
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError('TLS needs both --tls-cert and --tls-key.');
  }
  const turnUrls = list(values.turn, env.RR_TURN_URLS);
  const turnSecret = env.RR_TURN_SECRET || undefined;
  if (turnUrls.length > 0 && !turnSecret) {
    throw new ConfigError(
      'TURN URLs are set but RR_TURN_SECRET is not: clients could not use them.',
    );
  }
  const relayOnly = values['relay-only'] ?? env.RR_RELAY_ONLY === '1';
  if (relayOnly && turnUrls.length === 0) {
    throw new ConfigError('--relay-only needs TURN URLs (--turn) and RR_TURN_SECRET.');
  }
  for (const url of [...list(values.stun, env.RR_STUN_URLS), ...turnUrls]) {
    if (!/^(stun|stuns|turn|turns):[^\s]+$/.test(url))
      throw new ConfigError(`Not a STUN/TURN URL: "${url}".`);
  }

  const trustProxies = list(values['trust-proxy'], env.RR_TRUST_PROXY).map(normalizeAddress);
  for (const address of trustProxies) {
    // Exact addresses only: a range or a name would trust more than IT meant to.
    if (!isIP(address))
      throw new ConfigError(`--trust-proxy takes IP addresses; got "${address}".`);
  }

  const redis = parseRedisOptions(values, env);

  return {
    host: values.host ?? env.RR_HOST ?? '127.0.0.1',
    port: integer('--port', values.port ?? env.RR_PORT, 3001, 0, 65535),
    dataDir: resolve(values.data ?? env.RR_DATA_DIR ?? defaultDataDir(env)),
    origins: list(values.origin, env.RR_ORIGINS),
    trustProxies,
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    ice: {
      stunUrls: list(values.stun, env.RR_STUN_URLS),
      turnUrls,
      ...(turnSecret ? { turnSecret } : {}),
      relayOnly,
      turnTtlSeconds: integer(
        '--turn-ttl',
        values['turn-ttl'] ?? env.RR_TURN_TTL,
        3600,
        60,
        MAX_TURN_TTL_SECONDS,
      ),
    },
    accessTtlSeconds: integer(
      '--access-ttl',
      values['access-ttl'] ?? env.RR_ACCESS_TTL,
      MAX_ACCESS_TTL_SECONDS,
      5,
      MAX_ACCESS_TTL_SECONDS,
    ),
    refreshTtlSeconds: integer(
      '--refresh-ttl',
      values['refresh-ttl'] ?? env.RR_REFRESH_TTL,
      2_592_000,
      60,
      31_536_000,
    ),
    ringTimeoutMs:
      1000 * integer('--ring-timeout', values['ring-timeout'] ?? env.RR_RING_TIMEOUT, 30, 1, 600),
    disconnectGraceMs: 10_000,
    resumeWindowMs: 30_000,
    socketMessagesPerSecond: integer(
      '--socket-rate',
      values['socket-rate'] ?? env.RR_SOCKET_RATE,
      50,
      1,
      1_000_000,
    ),
    socketQueueLimit: 256,
    maxSocketsPerUser: integer(
      '--max-sockets-per-user',
      values['max-sockets-per-user'] ?? env.RR_MAX_SOCKETS_PER_USER,
      10,
      1,
      1_000,
    ),
    maxSocketsPerAddress: integer(
      '--max-sockets-per-address',
      values['max-sockets-per-address'] ?? env.RR_MAX_SOCKETS_PER_ADDRESS,
      50,
      1,
      1_000_000,
    ),
    handshakesPerSecond: integer(
      '--handshake-rate',
      values['handshake-rate'] ?? env.RR_HANDSHAKE_RATE,
      10,
      1,
      1_000_000,
    ),
    handshakeTimeoutMs:
      1000 *
      integer(
        '--handshake-timeout',
        values['handshake-timeout'] ?? env.RR_HANDSHAKE_TIMEOUT,
        10,
        1,
        60,
      ),
    accountCheckMs: 500,
    ...(redis ? { redis } : {}),
    auditRetentionDays: integer(
      '--audit-retention-days',
      values['audit-retention-days'] ?? env.RR_AUDIT_RETENTION_DAYS,
      DEFAULT_AUDIT_RETENTION_DAYS,
      1,
      36_600,
    ),
    guestPageDir: resolve(
      values['guest-page-dir'] ?? (env.RR_GUEST_PAGE_DIR || DEFAULT_GUEST_PAGE_DIR),
    ),
    logEvents: !(values.quiet ?? false),
    demo: values.demo ?? false,
    ...parseAccountsConfig(values, env),
  };
}
