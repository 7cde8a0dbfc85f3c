/**
 * Where a node's token signing keys come from: the database it shares with every other node (the
 * default; `npm run admin -- keys rotate` adds a new current key there), or a file IT provides
 * (`--signing-key-file`: one base64url secret of at least 32 bytes per line, the current key
 * first, the ones still accepted after it). A node never makes a key of its own here: the first
 * one is made with the database's schema (server/storage/*-migrate*.ts), so when none is found
 * where it should be, the node refuses to start and says why.
 */
import { readFileSync } from 'node:fs';
import { accessKeyRecord } from '../storage/new-keys.ts';
import type { AccountStore } from '../storage/store.ts';
import {
  createKeyRing,
  keySetOf,
  toTokenKey,
  type KeyRingOptions,
  type KeySet,
  type TokenKeyRing,
} from './key-ring.ts';

export class KeyConfigError extends Error {}

/** The keys in IT's file; throws a KeyConfigError naming the file when it cannot be used. */
export function readKeyFile(file: string): KeySet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyConfigError(
      code === 'ENOENT'
        ? `The signing key file ${file} does not exist. A node told to take its keys from a file never makes its own: put the key IT made for every node there, or start without --signing-key-file to keep the keys in the database.`
        : `The signing key file ${file} cannot be read (${code ?? 'error'}).`,
    );
  }
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const keys = lines.map((line, i) => {
    try {
      return toTokenKey(accessKeyRecord(Buffer.from(line, 'base64url'), 0));
    } catch {
      throw new KeyConfigError(
        `Line ${i + 1} of the signing key file ${file} is not a base64url key of 32 bytes or more (make one with: openssl rand -base64 32 | tr '+/' '-_' | tr -d '=').`,
      );
    }
  });
  const [current] = keys;
  if (!current) throw new KeyConfigError(`The signing key file ${file} holds no key.`);
  return { current, accepted: keys };
}

const NO_KEY_IN_DATABASE =
  'The database holds no token signing key, and this node does not make one of its own (its keys are shared with every other node). Make the first with `npm run admin -- [--database <url> | --data <dir>] keys rotate`, or start one node without --require-shared-keys on an empty database.';

export interface KeySource {
  store: AccountStore;
  /** `--signing-key-file`: the keys come from there instead of the database. */
  signingKeyFile?: string | undefined;
}

/** The node's key ring; rejects with a KeyConfigError when there is no key to sign with. */
export function loadTokenKeys(
  source: KeySource,
  options: KeyRingOptions = {},
): Promise<TokenKeyRing> {
  const { store, signingKeyFile } = source;
  const load = async (): Promise<KeySet> => {
    if (signingKeyFile !== undefined) return readKeyFile(signingKeyFile);
    const keys = keySetOf(await store.serverKeys('access'), Date.now());
    if (!keys) throw new KeyConfigError(NO_KEY_IN_DATABASE);
    return keys;
  };
  return createKeyRing(load, options);
}
