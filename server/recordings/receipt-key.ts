/**
 * The server's Ed25519 key for recording receipts, kept in the database beside the accounts
 * (server_keys, purpose 'receipt'), apart from the token signing keys so that either can be
 * replaced without the other. Made with the database's schema (or taken from the receipt.key an
 * older version left in the data folder), so every node, on every host, signs with the same key.
 * Its public half is served to verifiers.
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import {
  receiptSigningBytes,
  type Receipt,
  type ReceiptKey,
} from '../../shared/protocol/recording-receipts.ts';
import { receiptKeyId } from '../storage/new-keys.ts';
import type { AccountStore, ServerKeyRecord } from '../storage/store.ts';

export interface ReceiptSigner {
  /** What GET /api/recordings/receipt-key serves. */
  publicKey: ReceiptKey;
  /** Ed25519 over canonicalJson(receipt), base64. */
  sign(receipt: Receipt): string;
}

export function receiptSigner(key: ServerKeyRecord): ReceiptSigner {
  const privateKey = createPrivateKey(key.material);
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    publicKey: {
      algorithm: 'Ed25519',
      keyId: receiptKeyId(privateKey),
      publicKey: der.toString('base64'),
    },
    sign: (receipt) => sign(null, receiptSigningBytes(receipt), privateKey).toString('base64'),
  };
}

/** The database's receipt key; rejects with a sentence when there is none. */
export async function loadReceiptSigner(store: AccountStore): Promise<ReceiptSigner> {
  const [key] = await store.serverKeys('receipt');
  if (!key) {
    throw new Error(
      'The database holds no recording receipt key, and this node does not make one of its own (every node must sign with the same key). Make it with `npm run admin -- [--database <url> | --data <dir>] keys rotate`.',
    );
  }
  return receiptSigner(key);
}
