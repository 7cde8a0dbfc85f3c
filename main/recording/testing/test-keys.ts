/**
 * Recording keys for tests, in the real keychain (run under scripts/keyring-session): each test
 * file gets its own entry, so parallel files never share or replace a key, and removes it after.
 */
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import {
  createRecordingSigner,
  RECORDING_KEY_SERVICE,
  type RecordingSigner,
} from '../signing-key.ts';

export interface TestKey {
  service: string;
  signer: RecordingSigner;
  /** Deletes the keychain entry. */
  remove: () => Promise<void>;
}

export function testKey(label: string): TestKey {
  const service = `${RECORDING_KEY_SERVICE} [test ${label} ${randomBytes(6).toString('hex')}]`;
  return {
    service,
    signer: createRecordingSigner(keytar, { service }),
    remove: async () => {
      await keytar.deletePassword(service, 'ed25519');
    },
  };
}
