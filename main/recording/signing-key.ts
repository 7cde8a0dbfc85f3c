/**
 * This install's recording key: an Ed25519 key pair made on first use and kept in the OS
 * keychain (its own entry, apart from the sign-in tokens), never in a file. Main signs every
 * closed manifest with it. When the keychain cannot be used, recording goes on and the manifest
 * says it is unsigned and why: there is deliberately no key file to fall back to.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { Keychain } from '../auth/keychain.ts';
import { markUnsigned, signManifest, signerOf } from './manifest-signature.ts';
import type { RecordingManifest, UnsignedManifest } from './manifest.ts';

export const RECORDING_KEY_SERVICE = 'RichesReach Advisor recording key';
const ACCOUNT = 'ed25519';
/** A keychain that asks the user to unlock it must not hold a recording open for ever. */
const KEYCHAIN_TIMEOUT_MS = 15_000;

export interface RecordingSigner {
  /** The manifest signed, or marked unsigned with the reason; never throws. */
  sign(manifest: UnsignedManifest | RecordingManifest): Promise<RecordingManifest>;
  /** This install's key id, creating the key if there is none; null when the keychain fails. */
  keyId(): Promise<string | null>;
}

export interface SignerOptions {
  /** The keychain entry's service name (tests use their own). */
  service?: string;
  timeoutMs?: number;
}

class KeyProblem extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new KeyProblem(`it did not answer within ${Math.ceil(ms / 1000)} s`));
    }, ms);
  });
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
  });
}

function parseStored(text: string): KeyObject {
  try {
    const stored = JSON.parse(text) as { privateKey?: unknown };
    if (typeof stored.privateKey !== 'string') throw new Error('no key');
    const key = createPrivateKey({
      key: Buffer.from(stored.privateKey, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return key;
  } catch {
    // Never replaced silently: recordings signed with the old key would stop matching it.
    throw new KeyProblem('the recording key stored there is damaged; ask your IT team');
  }
}

export function createRecordingSigner(
  keychain: Keychain,
  options: SignerOptions = {},
): RecordingSigner {
  const service = options.service ?? RECORDING_KEY_SERVICE;
  const timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  let loading: Promise<KeyObject> | null = null;

  async function loadOrCreate(): Promise<KeyObject> {
    const stored = await keychain.getPassword(service, ACCOUNT);
    if (stored !== null) return parseStored(stored);
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    await keychain.setPassword(
      service,
      ACCOUNT,
      JSON.stringify({ v: 1, privateKey: der.toString('base64') }),
    );
    return privateKey;
  }

  /** One load at a time; a failure is not remembered, so the next recording tries again. */
  function key(): Promise<KeyObject> {
    loading ??= withTimeout(loadOrCreate(), timeoutMs).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  }

  return {
    async sign(manifest) {
      try {
        return signManifest(manifest, await key());
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error);
        return markUnsigned(
          manifest,
          `The system keychain could not provide this computer’s recording key (${cause.slice(0, 160)}), so the manifest was not signed.`,
        );
      }
    },
    async keyId() {
      try {
        return signerOf(createPublicKey(await key())).keyId;
      } catch {
        return null;
      }
    },
  };
}
