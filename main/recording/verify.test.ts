/**
 * The verifier against real recordings made by the real writer and signed with a real keychain
 * key, then tampered with the way someone with the files would: each change is detected and
 * named in the sentence.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
import { signManifest } from './manifest-signature.ts';
import type { RecordingManifest } from './manifest.ts';
import { START, chunk, createTempFolders, writerFor } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording, type VerifyOptions } from './verify.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('verify');
afterAll(key.remove);
let keyId: string;
let thisComputer: VerifyOptions;
beforeAll(async () => {
  keyId = (await key.signer.keyId())!;
  thisComputer = { trustedKeys: { ids: [keyId], label: 'this computer’s recording key' } };
});

const CHUNKS = [chunk(1, 3_000), chunk(2, 5_000), chunk(3, 4_000), chunk(4, 2_500)];

/** A finished, signed recording of four chunks; returns its media path. */
async function recording(): Promise<string> {
  const folder = temp.folder();
  const writer = writerFor(folder, { signer: key.signer });
  const { recordingId } = await writer.start(START);
  for (const c of CHUNKS) await writer.append(recordingId, c);
  const summary = await writer.stop(recordingId);
  return join(folder, summary.fileName);
}

const manifestOf = (path: string): RecordingManifest =>
  JSON.parse(readFileSync(`${path}.json`, 'utf8')) as RecordingManifest;
const writeManifest = (path: string, manifest: unknown): void => {
  writeFileSync(`${path}.json`, JSON.stringify(manifest, null, 2));
};

describe('recording verifier', () => {
  it('says valid for an untouched recording, signed by this computer’s key', async () => {
    const path = await recording();
    const result = await verifyRecording(path, thisComputer);
    expect(result).toEqual({
      verdict: 'valid',
      status: 'complete',
      keyId,
      reason: `The recording is as it was made: 14,500 bytes in 4 chunks match the hash chain and the file’s SHA-256, and the manifest is signed by this computer’s recording key (key ${keyId.slice(0, 16)}…).`,
    });
    // Given the manifest instead of the media, the same answer.
    await expect(verifyRecording(`${path}.json`, thisComputer)).resolves.toEqual(result);
    // With no key to compare, the signature is still checked, and the sentence says so.
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'valid',
      reason: expect.stringMatching(/not compared with a known key/) as unknown,
    });
  });

  it('says altered when one byte of the media changed, naming the chunk, the chain and the file hash', async () => {
    const path = await recording();
    const bytes = readFileSync(path);
    bytes[9_000] = bytes[9_000]! ^ 0x01; // in the third chunk (bytes 8,000–11,999)
    writeFileSync(path, bytes);
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
      verdict: 'altered',
      reason:
        'Chunk 3 of 4 (bytes 8,000–11,999) is not what was recorded: it breaks the hash chain, and the file’s SHA-256 does not match the manifest either.',
    });
  });

  it('says altered when one field of the manifest changed, because the signature no longer matches', async () => {
    const path = await recording();
    for (const change of [
      (m: RecordingManifest) => ({ ...m, status: 'interrupted' }),
      (m: RecordingManifest) => ({
        ...m,
        participants: [{ ...m.participants[0]!, displayName: 'Mallory' }],
      }),
      (m: RecordingManifest) => ({ ...m, startedAt: new Date(0).toISOString() }),
      (m: RecordingManifest) => ({ ...m, note: 'added' }),
    ]) {
      const original = readFileSync(`${path}.json`, 'utf8');
      writeManifest(path, change(manifestOf(path)));
      await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
        verdict: 'altered',
        reason: expect.stringMatching(/signature does not match its contents/) as unknown,
      });
      writeFileSync(`${path}.json`, original);
    }
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({ verdict: 'valid' });
  });

  it('says truncated when the last chunk was dropped from the media, and the rest is intact', async () => {
    const path = await recording();
    truncateSync(path, 12_000);
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
      verdict: 'truncated',
      reason:
        'The file ends 2,500 bytes short of the 14,500 bytes recorded: the first 3 of 4 chunks are intact and the rest is missing.',
    });
    // Cut mid-chunk, the same; and a missing file is all of it missing.
    truncateSync(path, 9_000);
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
      verdict: 'truncated',
      reason: expect.stringMatching(/5,500 bytes short.*first 2 of 4 chunks are intact/) as unknown,
    });
    renameSync(path, `${path}.moved`);
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
      verdict: 'truncated',
      reason: expect.stringMatching(
        /is missing: none of the 14,500 bytes recorded is there/,
      ) as unknown,
    });
  });

  it('says altered when bytes were added after the end', async () => {
    const path = await recording();
    appendFileSync(path, chunk(9, 10));
    await expect(verifyRecording(path, thisComputer)).resolves.toMatchObject({
      verdict: 'altered',
      reason: '10 bytes were added after the end of the recording.',
    });
  });

  it('says altered for a signature forged with another key, whether or not the signer was swapped too', async () => {
    const path = await recording();
    const manifest = manifestOf(path);
    const { privateKey: otherKey } = generateKeyPairSync('ed25519');

    // Another key's signature under this computer's public key: a bad signature.
    const { signature: _signature, ...signed } = manifest;
    const forged = sign(null, Buffer.from(canonicalJson(signed)), otherKey).toString('base64');
    writeManifest(path, { ...signed, signature: forged });
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'altered',
      reason: expect.stringMatching(/signature does not match its contents/) as unknown,
    });

    // Re-signed whole with another key (its own public key in it): a key this computer does not have.
    const resigned = signManifest({ ...manifest, callId: 'call_forged00000' }, otherKey);
    writeManifest(path, resigned);
    const result = await verifyRecording(path, thisComputer);
    expect(result).toMatchObject({
      verdict: 'altered',
      keyId: resigned.signer!.keyId,
      reason: expect.stringMatching(
        /signed by a key \([0-9a-f]{16}…\) that is not this computer’s recording key/,
      ) as unknown,
    });
    expect(resigned.signer!.keyId).not.toBe(keyId);

    // A key id that is not the id of the key carried.
    writeManifest(path, {
      ...manifest,
      signer: { ...manifest.signer!, keyId: resigned.signer!.keyId },
    });
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'altered',
      reason: 'The manifest’s key id is not the id of the public key it carries.',
    });
  });

  it('says unsigned when nothing vouches for the file: no manifest, a recording never closed, an old manifest', async () => {
    const path = await recording();
    const manifest = manifestOf(path);
    renameSync(`${path}.json`, `${path}.json.moved`);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'unsigned',
      reason: expect.stringMatching(/no manifest beside this file/) as unknown,
    });
    writeManifest(path, { ...manifest, status: 'recording' });
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'unsigned',
      reason: expect.stringMatching(/never closed/) as unknown,
    });
    // The first version's manifest: a bare SHA-256, checked, but never enough for valid.
    const legacy = { version: 1, status: 'complete', bytes: 14_500, sha256: manifest.sha256 };
    writeManifest(path, legacy);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'unsigned',
      reason: expect.stringMatching(/older version of the app/) as unknown,
    });
    writeManifest(path, { ...legacy, sha256: '0'.repeat(64) });
    await expect(verifyRecording(path)).resolves.toMatchObject({ verdict: 'altered' });
    writeFileSync(`${path}.json`, 'not json');
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'altered',
      reason: 'The manifest is not a JSON object the app would write.',
    });
  });

  it('asks the server-receipt check only once the file checks out, and reports what it says', async () => {
    const path = await recording();
    const asked: string[] = [];
    const notKnown: VerifyOptions['checkServerReceipt'] = (m) => {
      asked.push(m.callId);
      return Promise.resolve({ known: false, reason: 'The server has no receipt for this call.' });
    };
    await expect(
      verifyRecording(path, { ...thisComputer, checkServerReceipt: notKnown }),
    ).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      // What the server check says, then that the file itself checked out.
      reason: expect.stringMatching(
        /^The server has no receipt for this call\. The file itself is intact: 14,500 bytes in 4 chunks match the hash chain/,
      ) as unknown,
    });
    expect(asked).toEqual([START.callId]);
    truncateSync(path, 100);
    await expect(
      verifyRecording(path, { ...thisComputer, checkServerReceipt: notKnown }),
    ).resolves.toMatchObject({ verdict: 'truncated' });
    expect(asked).toHaveLength(1);
  });
});
