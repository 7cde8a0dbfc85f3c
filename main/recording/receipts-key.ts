/**
 * The server's receipt key for a verifier without a session: fetched from the server's public
 * endpoint, or given for an offline check as a file (the JSON the endpoint and `npm run admin --
 * recordings receipt-key` print, or a PEM public key) or as base64 SPKI DER text.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  RECEIPT_PATHS,
  receiptKeySchema,
  type ReceiptKey,
} from '../../shared/protocol/recording-receipts.ts';
import { callServer, type Fetch } from '../session/server-api.ts';

export class ReceiptKeyProblem extends Error {}

const keyIdOf = (der: Buffer): string => createHash('sha256').update(der).digest('hex');

function fromDer(der: Buffer, claimedId?: string): ReceiptKey {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new ReceiptKeyProblem('That is not a public key.');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ReceiptKeyProblem('That is not an Ed25519 public key.');
  }
  const keyId = keyIdOf(der);
  if (claimedId !== undefined && claimedId !== keyId) {
    throw new ReceiptKeyProblem('The key id given with that key is not the id of the key.');
  }
  return { algorithm: 'Ed25519', keyId, publicKey: der.toString('base64') };
}

/** A key from text: the endpoint's JSON, a PEM public key, or base64 SPKI DER. */
export function parseReceiptKey(text: string): ReceiptKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new ReceiptKeyProblem('That key file is not valid JSON.');
    }
    const parsed = receiptKeySchema.safeParse(json);
    if (!parsed.success) {
      throw new ReceiptKeyProblem('That JSON is not a receipt key (algorithm, keyId, publicKey).');
    }
    return fromDer(Buffer.from(parsed.data.publicKey, 'base64'), parsed.data.keyId);
  }
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      const der = createPublicKey(trimmed).export({ type: 'spki', format: 'der' });
      return fromDer(der);
    } catch (error) {
      if (error instanceof ReceiptKeyProblem) throw error;
      throw new ReceiptKeyProblem('That PEM text is not a public key.');
    }
  }
  if (!/^[A-Za-z0-9+/]+=*$/.test(trimmed)) {
    throw new ReceiptKeyProblem('That is neither a key file nor base64 key text.');
  }
  return fromDer(Buffer.from(trimmed, 'base64'));
}

/** `--server-key <file|base64>`: a readable file wins, else the text itself. */
export async function readReceiptKey(fileOrText: string): Promise<ReceiptKey> {
  let text: string;
  try {
    text = await readFile(fileOrText, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ENAMETOOLONG') throw error;
    text = fileOrText;
  }
  return parseReceiptKey(text);
}

/** The key the server serves (no sign-in), checked to be the key its id names. */
export async function fetchReceiptKey(fetchImpl: Fetch, serverUrl: string): Promise<ReceiptKey> {
  const served = await callServer(fetchImpl, serverUrl, RECEIPT_PATHS.key, receiptKeySchema);
  return fromDer(Buffer.from(served.publicKey, 'base64'), served.keyId);
}
