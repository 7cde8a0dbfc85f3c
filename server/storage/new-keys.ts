/**
 * The server's keys as stored rows: the HS256 secret of access and guest tokens, and the Ed25519
 * key of recording receipts. Made here when a store is first set up (or `keys rotate` asks), or
 * taken from the files older versions kept in the data folder. A key's id is derived from the key
 * itself, so the same secret has the same id on every node, whoever loaded it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { ServerKeyRecord } from './store.ts';

/** An HS256 secret shorter than this is refused. */
export const MIN_ACCESS_KEY_BYTES = 32;

/** The access key's id: 16 hex characters of a hash of the secret (which it cannot give back). */
export const accessKeyId = (secret: Uint8Array): string =>
  createHash('sha256')
    .update('richesreach-advisor kid\0')
    .update(secret)
    .digest('hex')
    .slice(0, 16);

/** The receipt key's id: SHA-256 of its public key (SPKI DER), hex, as receipts name it. */
export function receiptKeyId(privateKey: KeyObject): string {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The id of the key taken from an older version's signing.key. Tokens that version signed carry
 * no id: they are checked against this key while it is still accepted, and against no other.
 */
export const LEGACY_ACCESS_KID = 'signing.key';

export function accessKeyRecord(
  secret: Uint8Array,
  createdAt: number,
  kid = accessKeyId(secret),
): ServerKeyRecord {
  if (secret.length < MIN_ACCESS_KEY_BYTES) {
    throw new Error(`A token signing key must be at least ${MIN_ACCESS_KEY_BYTES} bytes.`);
  }
  return {
    kid,
    purpose: 'access',
    material: Buffer.from(secret).toString('base64url'),
    createdAt,
  };
}

export const newAccessKey = (createdAt: number): ServerKeyRecord =>
  accessKeyRecord(randomBytes(32), createdAt);

/** A receipt key from its PKCS#8 PEM; throws when it is not an Ed25519 private key. */
export function receiptKeyRecord(pem: string, createdAt: number): ServerKeyRecord {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error('The recording receipt key is not an Ed25519 key.');
  }
  return { kid: receiptKeyId(privateKey), purpose: 'receipt', material: pem, createdAt };
}

export function newReceiptKey(createdAt: number): ServerKeyRecord {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return receiptKeyRecord(pem, createdAt);
}
