/**
 * This install's recording key in the real keychain (run under scripts/keyring-session): made
 * on first use, the same key on every later start, never replaced when damaged, and a keychain
 * that fails or hangs leaves the manifest unsigned with the reason instead of stopping anything.
 */
import { createPublicKey } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import type { Keychain } from '../auth/keychain.ts';
import { checkSignature } from './manifest-signature.ts';
import { buildManifest, type UnsignedManifest } from './manifest.ts';
import { createRecordingSigner } from './signing-key.ts';
import { testKey, type TestKey } from './testing/test-keys.ts';

const keys: TestKey[] = [];
const fresh = (label: string): TestKey => {
  const key = testKey(label);
  keys.push(key);
  return key;
};
afterAll(async () => {
  for (const key of keys) await key.remove();
});

const MANIFEST: UnsignedManifest = buildManifest(
  {
    callId: 'call_signing00001',
    file: 'x.webm',
    mimeType: 'video/webm',
    appVersion: '1',
    startedAt: 0,
  },
  'complete',
  {
    participants: [],
    consent: [],
    participantsCheck: { matches: true, claimedNotWitnessed: [], witnessedNotClaimed: [] },
  },
  {
    endedAt: 1_000,
    bytes: 0,
    sha256: '0'.repeat(64),
    chain: { entries: [], head: '0'.repeat(64) },
  },
);

describe('recording signing key', () => {
  it('is made on first use, kept in the keychain, and the same for every later start', async () => {
    const key = fresh('first-use');
    expect(await keytar.getPassword(key.service, 'ed25519')).toBeNull();
    const signed = await key.signer.sign(MANIFEST);
    const stored = JSON.parse((await keytar.getPassword(key.service, 'ed25519'))!) as {
      privateKey: string;
    };
    expect(stored.privateKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(checkSignature(signed as unknown as Record<string, unknown>)).toEqual({
      state: 'signed',
      keyId: signed.signer!.keyId,
    });
    // The public half is in the manifest; the private half only in the keychain.
    expect(JSON.stringify(signed)).not.toContain(stored.privateKey);
    expect(
      createPublicKey({
        key: Buffer.from(signed.signer!.publicKey, 'base64'),
        format: 'der',
        type: 'spki',
      }).asymmetricKeyType,
    ).toBe('ed25519');
    // Another run of the app (a new signer on the same keychain) signs with the same key.
    const again = createRecordingSigner(keytar, { service: key.service });
    await expect(again.keyId()).resolves.toBe(signed.signer!.keyId);
  });

  it('makes one key when several recordings close at once on a new install', async () => {
    const key = fresh('race');
    let writes = 0;
    const counting: Keychain = {
      ...keytar,
      setPassword: (service, account, password) => {
        writes += 1;
        return keytar.setPassword(service, account, password);
      },
    };
    const signer = createRecordingSigner(counting, { service: key.service });
    const signed = await Promise.all([1, 2, 3].map(() => signer.sign(MANIFEST)));
    expect(new Set(signed.map((m) => m.signer?.keyId)).size).toBe(1);
    expect(writes).toBe(1);
  });

  it('never replaces a damaged key: the manifest is unsigned and says so', async () => {
    const key = fresh('damaged');
    await keytar.setPassword(key.service, 'ed25519', 'not a key');
    const signed = await key.signer.sign(MANIFEST);
    expect(signed).toMatchObject({
      signer: null,
      unsigned: expect.stringMatching(/recording key stored there is damaged/) as unknown,
    });
    expect(signed.signature).toBeUndefined();
    expect(await keytar.getPassword(key.service, 'ed25519')).toBe('not a key');
    await expect(key.signer.keyId()).resolves.toBeNull();
  });

  it('gives up on a keychain that does not answer, and tries again for the next recording', async () => {
    const key = fresh('hang');
    let hang = true;
    const slow: Keychain = {
      ...keytar,
      getPassword: (service, account) =>
        hang ? new Promise<never>(() => undefined) : keytar.getPassword(service, account),
    };
    const signer = createRecordingSigner(slow, { service: key.service, timeoutMs: 50 });
    await expect(signer.sign(MANIFEST)).resolves.toMatchObject({
      signer: null,
      unsigned: expect.stringMatching(/did not answer within 1 s/) as unknown,
    });
    hang = false;
    await expect(signer.sign(MANIFEST)).resolves.toMatchObject({
      signer: { algorithm: 'Ed25519' },
    });
  });
});
