/**
 * The server's Ed25519 key for recording receipts: made on first start, kept in the data folder
 * as `receipt.key` (PKCS#8 PEM, mode 0600), apart from the JWT secret (signing.key) so that
 * either can be replaced without the other. Its public half is served to verifiers.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  receiptSigningBytes,
  type Receipt,
  type ReceiptKey,
} from '../../shared/protocol/recording-receipts.ts';

export const RECEIPT_KEY_FILE = 'receipt.key';

export interface ReceiptSigner {
  /** What GET /api/recordings/receipt-key serves. */
  publicKey: ReceiptKey;
  /** Ed25519 over canonicalJson(receipt), base64. */
  sign(receipt: Receipt): string;
}

function readPem(file: string): string | undefined {
  try {
    const pem = readFileSync(file, 'utf8');
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function makePem(file: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // Written whole under another name, then linked into place: link fails if another node made
  // the key meanwhile (theirs wins), and nobody ever reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(draft, pem, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw error;
  } finally {
    unlinkSync(draft);
  }
}

export function loadReceiptKey(dataDir: string): ReceiptSigner {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, RECEIPT_KEY_FILE);
  const pem = readPem(file) ?? makePem(file);
  let privateKey;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a private key; move it away to make a new one.`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${file} is not an Ed25519 key; move it away to make a new one.`);
  }
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    publicKey: {
      algorithm: 'Ed25519',
      keyId: createHash('sha256').update(der).digest('hex'),
      publicKey: der.toString('base64'),
    },
    sign: (receipt) => sign(null, receiptSigningBytes(receipt), privateKey).toString('base64'),
  };
}
