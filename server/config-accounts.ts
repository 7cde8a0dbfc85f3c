/**
 * The options about what lasts, shared by the server and the admin CLI: which database (SQLite in
 * the data folder, or PostgreSQL), where the token signing keys come from, and how long a sign-in
 * may last at most. config.ts and admin/cli.ts both read them from here.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { ConfigError, integer } from './config-options.ts';

export interface AccountsConfig {
  /** A PostgreSQL URL (with --database-ca folded in as sslrootcert); absent: SQLite. */
  databaseUrl?: string;
  /** Token signing keys from this file (IT's secret) instead of the database. */
  signingKeyFile?: string;
  /** Never make a signing key: fail when none is found where it should be. */
  requireSharedKeys: boolean;
  /** A sign-in's refresh tokens stop working this long after it, however often rotated. */
  sessionMaxAgeSeconds: number;
}

export const ACCOUNTS_OPTIONS = {
  database: { type: 'string' },
  'database-ca': { type: 'string' },
  'signing-key-file': { type: 'string' },
  'require-shared-keys': { type: 'boolean' },
  'session-max-age': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export const ACCOUNTS_USAGE = `  --database <url>       PostgreSQL for accounts, keys and the audit trail, shared by every node:
                         postgres://user@host:5432/db?sslmode=verify-full (RR_DATABASE_URL; put a
                         password in the env var, not the flag); default: SQLite in the data folder
  --database-ca <file>   CA certificate the PostgreSQL server's TLS certificate is checked
                         against (RR_DATABASE_CA)
  --signing-key-file <file>
                         token signing keys from this file, one base64url secret per line, the
                         current first (RR_SIGNING_KEY_FILE); default: keys kept in the database
  --require-shared-keys  never make a signing key: fail when the database has none
                         (RR_REQUIRE_SHARED_KEYS=1)
  --session-max-age <s>  a sign-in ends this long after it, however often its refresh token is
                         rotated (RR_SESSION_MAX_AGE; default 2592000 = 30 days)`;

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\/\S+$/i.test(url);

type Values = {
  database?: string | undefined;
  'database-ca'?: string | undefined;
  'signing-key-file'?: string | undefined;
  'require-shared-keys'?: boolean | undefined;
  'session-max-age'?: string | undefined;
};

/** The URL with the CA file as its sslrootcert, and TLS checked in full unless it says how. */
function withCa(url: string, caFile: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslrootcert')) parsed.searchParams.set('sslrootcert', caFile);
  if (!parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', 'verify-full');
  return parsed.toString();
}

export function parseAccountsConfig(values: Values, env: NodeJS.ProcessEnv): AccountsConfig {
  const url = values.database ?? (env.RR_DATABASE_URL || undefined);
  // Not echoed: it may hold a password.
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new ConfigError('--database must be a postgres:// or postgresql:// URL.');
  }
  const caFile = values['database-ca'] ?? (env.RR_DATABASE_CA || undefined);
  if (caFile !== undefined) {
    if (url === undefined) throw new ConfigError('--database-ca needs --database.');
    if (!existsSync(caFile)) {
      throw new ConfigError(`--database-ca: there is no file "${caFile}".`);
    }
  }
  const keyFile = values['signing-key-file'] ?? (env.RR_SIGNING_KEY_FILE || undefined);
  const databaseUrl = url !== undefined && caFile ? withCa(url, resolve(caFile)) : url;
  return {
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    ...(keyFile === undefined ? {} : { signingKeyFile: resolve(keyFile) }),
    requireSharedKeys: values['require-shared-keys'] ?? env.RR_REQUIRE_SHARED_KEYS === '1',
    sessionMaxAgeSeconds: integer(
      '--session-max-age',
      values['session-max-age'] ?? env.RR_SESSION_MAX_AGE,
      2_592_000,
      300,
      31_536_000,
    ),
  };
}
