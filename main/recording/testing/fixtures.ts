/** What the recording tests share: temp folders, a witnessed call, and a writer on both. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingPolicy } from '../../../shared/bridge/contract.ts';
import { describeCallWith } from '../call-account.ts';
import { createCallWitness, type CallWitness } from '../call-witness.ts';
import { createConsentGuard } from '../consent-guard.ts';
import type { RecordingFs } from '../files.ts';
import type { RecordingsFolderStatus } from '../folder-status.ts';
import type { RecordingManifest } from '../manifest.ts';
import type { RecordingSigner } from '../signing-key.ts';
import { createRecordingWriter, type RecordingStart } from '../writer.ts';

export const CALL_ID = 'call_0123456789';

export const START: RecordingStart = {
  callId: CALL_ID,
  participants: [{ id: 'u_alice', displayName: 'Alice' }],
  mimeType: 'video/webm;codecs=vp8,opus',
};

export function createTempFolders(): { folder: () => string; cleanUp: () => void } {
  const made: string[] = [];
  return {
    /** A recordings folder that does not exist yet (the writer creates it). */
    folder() {
      const dir = mkdtempSync(join(tmpdir(), 'rr-recording-'));
      made.push(dir);
      return join(dir, 'Recordings');
    },
    cleanUp() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Person {
  id: string;
  displayName: string;
}

/**
 * A witness that saw `people` joined in the call (the first is me), as main sees it when the
 * server sends call-participants.
 */
export function witnessOf(people: Person[], callId = CALL_ID, now?: () => number): CallWitness {
  const [me] = people;
  const witness = createCallWitness({ me: () => me ?? null, ...(now ? { now } : {}) });
  witness.received({
    event: 'call-participants',
    payload: {
      callId,
      participants: people.map((p) => ({
        userId: p.id,
        displayName: p.displayName,
        state: 'joined',
      })),
    },
  });
  return witness;
}

export interface WriterOptions {
  signer: RecordingSigner;
  witness?: CallWitness;
  now?: () => number;
  fs?: RecordingFs;
  policy?: RecordingPolicy;
  folderStatus?: (folder: string) => RecordingsFolderStatus;
}

export function writerFor(folder: string, options: WriterOptions) {
  const { policy = 'allowed', witness = witnessOf(START.participants), ...rest } = options;
  return createRecordingWriter({
    folder: () => folder,
    policy: () => policy,
    appVersion: '9.9.9-test',
    describeCall: describeCallWith(witness),
    consent: createConsentGuard(witness),
    ...rest,
  });
}

export const readManifest = (path: string): RecordingManifest =>
  JSON.parse(readFileSync(`${path}.json`, 'utf8')) as RecordingManifest;

/** The media files in a folder (not manifests, not journals). */
export const mediaFiles = (folder: string): string[] =>
  readdirSync(folder).filter((name) => !/\.(json|chain|tmp)$/.test(name));

export const chunk = (fill: number, size: number): Uint8Array => new Uint8Array(size).fill(fill);
