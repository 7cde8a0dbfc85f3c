/** The JWT signing key: made once on first start with mode 0600, then the same key every start. */
import { chmodSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.ts';
import { loadSigningKey } from './signing-key.ts';

let dataDir: string;
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const mode = (file: string) => statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('the signing key file', () => {
  it('is created on first start with mode 0600, in a folder only the server can enter', () => {
    dataDir = join(tempDir('rr-key-'), 'data');
    const key = loadSigningKey(dataDir);
    const file = join(dataDir, 'signing.key');
    expect(mode(file)).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64url').equals(Buffer.from(key))).toBe(
      true,
    );
  });

  it('is reused as it is on the next start, and tightened back to 0600 if loosened', () => {
    dataDir = tempDir('rr-key-');
    const file = join(dataDir, 'signing.key');
    const first = loadSigningKey(dataDir);
    const bytes = readFileSync(file);
    chmodSync(file, 0o644);
    const second = loadSigningKey(dataDir);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(mode(file)).toBe(0o600);
  });
});
