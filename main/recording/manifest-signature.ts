/**
 * Signing and checking a manifest (Ed25519). The signature covers canonicalJson of the manifest
 * as stored, minus its `signature` member: every other member, the signer's public key included,
 * so no field can be added, removed or changed without breaking it. No keychain here: this file
 * also serves the verifier, which runs under plain Node.
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
import { sha256Hex } from './hash-chain.ts';
import {
  signerSchema,
  type ManifestSigner,
  type RecordingManifest,
  type UnsignedManifest,
} from './manifest.ts';

/** The manifest's description of a public key; the key id is SHA-256 of its SPKI DER bytes. */
export function signerOf(publicKey: KeyObject): ManifestSigner {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { algorithm: 'Ed25519', keyId: sha256Hex(der), publicKey: der.toString('base64') };
}

type Body = Omit<UnsignedManifest, 'signer' | 'unsigned'>;

function bodyOf(manifest: UnsignedManifest | RecordingManifest): Body {
  const { signer: _signer, unsigned: _unsigned, ...body } = manifest as RecordingManifest;
  delete (body as Partial<RecordingManifest>).signature;
  return body;
}

export function signManifest(
  manifest: UnsignedManifest | RecordingManifest,
  privateKey: KeyObject,
): RecordingManifest {
  const signed: UnsignedManifest = {
    ...bodyOf(manifest),
    signer: signerOf(createPublicKey(privateKey)),
  };
  const signature = sign(null, Buffer.from(canonicalJson(signed)), privateKey).toString('base64');
  return { ...signed, signature };
}

export function markUnsigned(
  manifest: UnsignedManifest | RecordingManifest,
  reason: string,
): RecordingManifest {
  return { ...bodyOf(manifest), signer: null, unsigned: reason };
}

export type SignatureCheck =
  | { state: 'signed'; keyId: string }
  | { state: 'unsigned'; reason: string }
  | { state: 'bad'; reason: string };

/** Checks the signature of a manifest as parsed from its file, before any schema touched it. */
export function checkSignature(raw: Record<string, unknown>): SignatureCheck {
  if (raw.signer === null || raw.signer === undefined) {
    const reason = typeof raw.unsigned === 'string' ? raw.unsigned : 'It gives no reason.';
    return { state: 'unsigned', reason };
  }
  const signer = signerSchema.safeParse(raw.signer);
  if (!signer.success) {
    return {
      state: 'bad',
      reason: 'The manifest names its signing key in a form the app never writes.',
    };
  }
  const der = Buffer.from(signer.data.publicKey, 'base64');
  if (sha256Hex(der) !== signer.data.keyId) {
    return {
      state: 'bad',
      reason: 'The manifest’s key id is not the id of the public key it carries.',
    };
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return { state: 'bad', reason: 'The manifest’s public key cannot be read.' };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    return { state: 'bad', reason: 'The manifest’s public key is not an Ed25519 key.' };
  }
  if (typeof raw.signature !== 'string') {
    return { state: 'bad', reason: 'The manifest names a signing key but carries no signature.' };
  }
  const { signature, ...signed } = raw;
  const ok = verify(
    null,
    Buffer.from(canonicalJson(signed)),
    publicKey,
    Buffer.from(signature, 'base64'),
  );
  if (!ok) {
    return {
      state: 'bad',
      reason:
        'The manifest’s signature does not match its contents: it was changed after it was signed, or the signature was made with another key.',
    };
  }
  return { state: 'signed', keyId: signer.data.keyId };
}
