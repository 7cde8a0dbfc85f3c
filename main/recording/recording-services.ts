/**
 * Recording's part of main's services, wired once for the app and the test host alike: the call
 * witness (fed by the signaling main relays), the consent it saw, this install's signing key, the
 * cloud-sync check and the writer that uses them.
 */
import { resolve } from 'node:path';
import type { RecordingPolicy } from '../../shared/bridge/contract.ts';
import type { Keychain } from '../auth/keychain.ts';
import type { Session } from '../session/session.ts';
import type { LoadedPolicy } from '../settings/policy.ts';
import { describeCallWith } from './call-account.ts';
import { createCallWitness, type CallWitness } from './call-witness.ts';
import { createConsentGuard } from './consent-guard.ts';
import { directoryNames } from './directory-names.ts';
import { recordingsFolderStatus, type RecordingsFolderStatus } from './folder-status.ts';
import { sessionReceiptsApi } from './receipts-api.ts';
import { createServerReceiptCheck } from './receipts-check.ts';
import { createRecordingReceipts, type RecordingReceipts } from './receipts.ts';
import { createRecordingSigner, type RecordingSigner } from './signing-key.ts';
import type { ServerReceiptCheck } from './verify.ts';
import { createRecordingWriter, type RecordingWriter } from './writer.ts';

export interface RecordingServicesDeps {
  keychain: Keychain;
  session: Pick<Session, 'state' | 'get' | 'request'>;
  folder: () => string;
  policy: () => RecordingPolicy;
  /** IT's policy file as loaded: allowCloudSyncedRecordings is read from it. */
  loadedPolicy: LoadedPolicy;
  appVersion: string;
  platform?: NodeJS.Platform;
  env?: Readonly<Record<string, string | undefined>>;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface RecordingServices {
  witness: CallWitness;
  signer: RecordingSigner;
  writer: RecordingWriter;
  /** The server's receipts for each recording, asked for in the background. */
  receipts: RecordingReceipts;
  /** Verify's check of those receipts, with the session (the server's key and its own list). */
  serverCheck: ServerReceiptCheck;
  /** What Settings shows beside the current recordings folder. */
  folderStatus: () => RecordingsFolderStatus;
}

export function createRecordingServices(deps: RecordingServicesDeps): RecordingServices {
  const witness = createCallWitness({
    me: () => {
      const user = deps.session.state().user;
      return user ? { id: user.id, displayName: user.displayName } : null;
    },
  });
  const signer = createRecordingSigner(deps.keychain);
  const api = sessionReceiptsApi(deps.session);
  const receipts = createRecordingReceipts({
    api,
    signer,
    folder: deps.folder,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const { loadedPolicy } = deps;
  // A policy file with an error applies nothing, this key included: warn only.
  const allowCloudSynced = (): boolean =>
    loadedPolicy.error !== null || loadedPolicy.policy.allowCloudSyncedRecordings !== false;
  const statusOf = (folder: string): RecordingsFolderStatus =>
    recordingsFolderStatus(folder, {
      platform: deps.platform ?? process.platform,
      env: deps.env ?? process.env,
      allowCloudSynced,
    });
  const writer = createRecordingWriter({
    folder: deps.folder,
    policy: deps.policy,
    appVersion: deps.appVersion,
    signer,
    describeCall: describeCallWith(witness, directoryNames(deps.session)),
    consent: createConsentGuard(witness),
    folderStatus: statusOf,
    receipts,
  });
  return {
    witness,
    signer,
    writer,
    receipts,
    serverCheck: createServerReceiptCheck({ key: () => api.key(), held: (id) => api.list(id) }),
    folderStatus: () => statusOf(resolve(deps.folder())),
  };
}
