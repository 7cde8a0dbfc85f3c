/**
 * The database, key and session options, as the server reads them (and the admin CLI, from the
 * same table): flags over RR_* variables, a CA folded into the URL as libpq's sslrootcert, and
 * refusals that never repeat a URL (it may hold a password).
 */
import { writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServerConfig } from './config.ts';
import { tempDir } from './testing/harness.ts';

const dir = tempDir('rr-config-');
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const config = parseServerConfig(argv, env);
  if (config === 'help') throw new Error('unexpected help');
  return config;
};

describe('database and key options', () => {
  it('keeps SQLite in the data folder and the keys in it unless told otherwise', () => {
    const config = parse([]);
    expect(config).not.toHaveProperty('databaseUrl');
    expect(config).not.toHaveProperty('signingKeyFile');
    expect(config).toMatchObject({ requireSharedKeys: false, sessionMaxAgeSeconds: 2_592_000 });
  });

  it('takes PostgreSQL from --database or RR_DATABASE_URL, the flag first', () => {
    expect(parse(['--database', 'postgres://db.example/rr']).databaseUrl).toBe(
      'postgres://db.example/rr',
    );
    expect(parse([], { RR_DATABASE_URL: 'postgresql://u:pw@db.example:5432/rr' }).databaseUrl).toBe(
      'postgresql://u:pw@db.example:5432/rr',
    );
    expect(
      parse(['--database', 'postgres://a/x'], { RR_DATABASE_URL: 'postgres://b/y' }).databaseUrl,
    ).toBe('postgres://a/x');
  });

  it('folds --database-ca into the URL, checking the server in full unless the URL says how', () => {
    const url = new URL(
      parse(['--database', 'postgres://db.example/rr', '--database-ca', caFile]).databaseUrl ?? '',
    );
    expect(url.searchParams.get('sslrootcert')).toBe(resolve(caFile));
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    const kept = new URL(
      parse([], {
        RR_DATABASE_URL: 'postgres://db.example/rr?sslmode=verify-ca',
        RR_DATABASE_CA: caFile,
      }).databaseUrl ?? '',
    );
    expect(kept.searchParams.get('sslmode')).toBe('verify-ca');
  });

  it('refuses what it cannot use, with a sentence that never repeats the URL', () => {
    expect(() => parse(['--database', 'mysql://root:hunter2@db/rr'])).toThrow(
      /^--database must be a postgres:\/\/ or postgresql:\/\/ URL\.$/,
    );
    expect(() => parse(['--database-ca', caFile])).toThrow('--database-ca needs --database.');
    expect(() =>
      parse(['--database', 'postgres://db/rr', '--database-ca', join(dir, 'none.pem')]),
    ).toThrow(/--database-ca: there is no file/);
    expect(() => parse(['--session-max-age', '10'])).toThrow(
      /--session-max-age must be a whole number from 300/,
    );
  });

  it('reads the key file, --require-shared-keys and the session lifetime from flags or RR_*', () => {
    expect(
      parse([
        '--signing-key-file',
        'keys.txt',
        '--require-shared-keys',
        '--session-max-age',
        '3600',
      ]),
    ).toMatchObject({
      signingKeyFile: resolve('keys.txt'),
      requireSharedKeys: true,
      sessionMaxAgeSeconds: 3600,
    });
    expect(
      parse([], {
        RR_SIGNING_KEY_FILE: '/etc/rr/keys',
        RR_REQUIRE_SHARED_KEYS: '1',
        RR_SESSION_MAX_AGE: '86400',
      }),
    ).toMatchObject({
      signingKeyFile: '/etc/rr/keys',
      requireSharedKeys: true,
      sessionMaxAgeSeconds: 86400,
    });
  });
});
