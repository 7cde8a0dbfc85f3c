/**
 * Where a node's token signing keys come from: the database (made with its schema, and taken over
 * from an older version's signing.key and receipt.key files), or IT's key file; and a node that
 * finds none where they should be refuses to start with a sentence saying why, instead of making
 * a key of its own that no other node would know.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.ts';
import { LEGACY_ACCESS_KID, accessKeyId } from '../storage/new-keys.ts';
import { tempDir } from '../testing/harness.ts';
import { createTestDatabase } from '../testing/test-database.ts';
import { keySetOf, REPLACED_KEY_ACCEPTED_MS } from './key-ring.ts';
import { KeyConfigError, loadTokenKeys, readKeyFile } from './signing-key.ts';
import { AUDIENCE, ISSUER, createTokenService } from './tokens.ts';

const run = promisify(execFile);
let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const secret = () => randomBytes(32);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** What an older version signed: HS256, no key id. */
const legacyToken = (key: Uint8Array, sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

describe('keys in the database', () => {
  it('are made with the schema: one current token key, and a receipt key', async () => {
    dir = tempDir('rr-keys-');
    const database = await createTestDatabase(dir);
    const opened = await database.open();
    try {
      const access = await opened.accounts.serverKeys('access');
      expect(access).toHaveLength(1);
      expect(Buffer.from(access[0]!.material, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(await opened.accounts.serverKeys('receipt')).toHaveLength(1);
      const ring = await loadTokenKeys({ store: opened.accounts });
      expect(ring.current().kid).toBe(access[0]!.kid);
      ring.stop();
    } finally {
      await opened.close();
    }
  });

  it('are not made when the node may not make them, and the node says why', async () => {
    dir = tempDir('rr-keys-');
    const database = await createTestDatabase(dir);
    const opened = await database.open({ seedKeys: false });
    try {
      expect(await opened.accounts.serverKeys('access')).toEqual([]);
      await expect(loadTokenKeys({ store: opened.accounts })).rejects.toThrow(
        /holds no token signing key, and this node does not make one of its own/,
      );
    } finally {
      await opened.close();
    }
  });

  it('take over the signing.key and receipt.key an older version left, so its tokens stay valid', async () => {
    dir = tempDir('rr-keys-');
    const old = secret();
    writeFileSync(join(dir, 'signing.key'), b64(old), { mode: 0o600 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(dir, 'receipt.key'), pem, { mode: 0o600 });

    const database = await openDatabase({ dataDir: dir });
    try {
      const [access] = await database.accounts.serverKeys('access');
      expect(access).toMatchObject({ kid: LEGACY_ACCESS_KID, material: b64(old) });
      expect((await database.accounts.serverKeys('receipt'))[0]?.material).toBe(pem);
      // The database is now the one place they live.
      expect(existsSync(join(dir, 'signing.key'))).toBe(false);
      expect(existsSync(join(dir, 'receipt.key'))).toBe(false);

      const keys = await loadTokenKeys({ store: database.accounts });
      const settings = {
        keys,
        accessTtlSeconds: 600,
        refreshTtlSeconds: 60,
        sessionMaxAgeSeconds: 60,
      };
      const tokens = createTokenService(settings, database.accounts);
      // A token the older version signed (no key id) still works while that key is accepted...
      expect(await tokens.verifyAccess(await legacyToken(old, 'u1'))).toMatchObject({
        userId: 'u1',
      });
      // ...and one signed with any other key, without an id, does not.
      await expect(tokens.verifyAccess(await legacyToken(secret(), 'u1'))).rejects.toThrow(
        /not valid/,
      );
      keys.stop();
    } finally {
      await database.close();
    }
  });
});

describe('the keys a node accepts', () => {
  const record = (createdAt: number) => ({
    kid: `k${createdAt}`,
    purpose: 'access' as const,
    material: b64(secret()),
    createdAt,
  });

  it('are the newest (which signs) and each replaced one until its grace after the replacement', () => {
    const now = 10 * REPLACED_KEY_ACCEPTED_MS;
    const newest = record(now - 1000);
    const replacedLately = record(now - 2000);
    const replacedLongAgo = record(now - 3000);
    const set = keySetOf([newest, replacedLately, replacedLongAgo], now);
    expect(set?.current.kid).toBe(newest.kid);
    expect(set?.accepted.map((k) => k.kid)).toEqual([
      newest.kid,
      replacedLately.kid,
      replacedLongAgo.kid,
    ]);
    // Past the grace after the newest was made, the one it replaced is no longer accepted.
    const later = keySetOf([newest, replacedLately], newest.createdAt + REPLACED_KEY_ACCEPTED_MS);
    expect(later?.accepted.map((k) => k.kid)).toEqual([newest.kid]);
    expect(keySetOf([], now)).toBeUndefined();
  });
});

describe('a signing key file from IT', () => {
  it('gives the current key (first line) and the ones still accepted, ids from the keys', () => {
    dir = tempDir('rr-keyfile-');
    const [a, b] = [secret(), secret()];
    const file = join(dir, 'keys');
    writeFileSync(file, `# current first\n${b64(a)}\n\n${b64(b)}\n`);
    const set = readKeyFile(file);
    expect(set.current.kid).toBe(accessKeyId(a));
    expect(set.accepted.map((k) => k.kid)).toEqual([accessKeyId(a), accessKeyId(b)]);
  });

  it('missing, short or empty: refused, naming the file and what to do', () => {
    dir = tempDir('rr-keyfile-');
    const file = join(dir, 'keys');
    expect(() => readKeyFile(file)).toThrow(KeyConfigError);
    expect(() => readKeyFile(file)).toThrow(
      /does not exist\. A node told to take its keys from a file never makes its own/,
    );
    writeFileSync(file, b64(randomBytes(16)));
    expect(() => readKeyFile(file)).toThrow(/Line 1 of the signing key file .* 32 bytes or more/);
    writeFileSync(file, '# nothing yet\n');
    expect(() => readKeyFile(file)).toThrow(/holds no key/);
  });
});

describe('a server that finds no key where it should', () => {
  /** The real CLI, to its exit: code and what it said. */
  const serve = (args: string[]) =>
    run(process.execPath, ['server/cli.ts', '--port', '0', '--quiet', ...args]).then(
      () => ({ code: 0, stderr: '' }),
      (error: unknown) => error as { code: number; stderr: string },
    );

  it('with --require-shared-keys on a database without keys: exits with the reason', async () => {
    dir = tempDir('rr-nokey-');
    const database = await createTestDatabase(dir);
    const result = await serve([...database.args, '--require-shared-keys']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Server failed to start: The database holds no token signing key, and this node does not make one of its own/,
    );
    expect(await database.sql('SELECT kid FROM server_keys')).toEqual([]);
  });

  it('with --signing-key-file naming a file that is not there: exits with the reason', async () => {
    dir = tempDir('rr-nokey-');
    const database = await createTestDatabase(dir);
    const missing = join(dir, 'it-secret', 'signing.keys');
    const result = await serve([...database.args, '--signing-key-file', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The signing key file ${missing} does not exist.`);
  });
});
