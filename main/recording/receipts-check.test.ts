/**
 * The verifier's server check with real receipts from the real server, put into a manifest the
 * app signs again with its real keychain key (as someone holding the app's key could): a receipt
 * with a changed field, one signed by another key, one for another recording, or none at all is
 * "not known to the server" with its reason, while the file itself is still said to be intact.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
import type { ReceiptKey } from '../../shared/protocol/recording-receipts.ts';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import { connectCall } from '../../server/testing/calls.ts';
import { startHarness, type Harness } from '../../server/testing/harness.ts';
import type { RecordingManifest } from './manifest.ts';
import { createServerReceiptCheck } from './receipts-check.ts';
import type { ServerReceipts, StoredReceipt } from './receipts-schema.ts';
import { chunk, createTempFolders, witnessOf, writerFor } from './testing/fixtures.ts';
import { resign as resignWith, withServerReceipts } from './testing/receipts.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording, type ServerReceiptCheck } from './verify.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('receipts-check');
let h: Harness;
let avery: TokenPair;
let callId: string;
let serverKey: ReceiptKey;
let check: ServerReceiptCheck;

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
  const a = await h.connect('avery');
  callId = await connectCall(a, await h.connect('blake'));
  avery = a.tokens;
  serverKey = (await h.get('/api/recordings/receipt-key')).body as ReceiptKey;
  check = createServerReceiptCheck({ key: () => Promise.resolve(serverKey) });
});
afterAll(async () => {
  await h.close();
  await key.remove();
});

async function receipt(body: Record<string, unknown>): Promise<StoredReceipt> {
  const { status, body: answer } = await h.post(
    '/api/recordings/receipts',
    body,
    avery.accessToken,
  );
  if (status !== 201) throw new Error(`receipt: ${status} ${JSON.stringify(answer)}`);
  return answer as StoredReceipt;
}

/** A recording made by the real writer, with the server's real receipts signed into its manifest. */
async function recordingWithReceipts(): Promise<{ path: string; m: RecordingManifest }> {
  const folder = temp.folder();
  const writer = writerFor(folder, {
    signer: key.signer,
    witness: witnessOf([{ id: avery.user.id, displayName: 'Avery Tester' }], callId),
  });
  const { recordingId } = await writer.start({
    callId,
    participants: [{ id: avery.user.id, displayName: 'Avery Tester' }],
    mimeType: 'video/webm',
  });
  for (const c of [chunk(5, 1_500), chunk(6, 2_500)]) await writer.append(recordingId, c);
  const path = join(folder, (await writer.stop(recordingId)).fileName);
  return { path, m: await withServerReceipts(path, key.signer, receipt) };
}

const resign = (path: string, receipts?: ServerReceipts) => resignWith(path, key.signer, receipts);

describe('the verifier’s server check', () => {
  it('says valid when the receipts are the server’s and match the file', async () => {
    const { path } = await recordingWithReceipts();
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'valid',
      reason: expect.stringMatching(
        /^The recording is as it was made: 4,000 bytes in 2 chunks .* The server’s start and stop receipts vouch for this file \(key [0-9a-f]{16}…\)\.$/,
      ) as unknown,
    });
  });

  it('says not known to the server when a field of a receipt was changed', async () => {
    const { path, m } = await recordingWithReceipts();
    const stop = m.serverReceipts!.stop!;
    await resign(path, {
      ...m.serverReceipts!,
      stop: { ...stop, receipt: { ...stop.receipt, participants: [] } },
    });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(
        /^The stop receipt’s signature does not match its contents: it was changed after the server signed it, or signed with another key\. The file itself is intact: 4,000 bytes/,
      ) as unknown,
    });
  });

  it('says not known to the server when a receipt was signed by another key', async () => {
    const { path, m } = await recordingWithReceipts();
    const other = generateKeyPairSync('ed25519');
    const der = other.publicKey.export({ type: 'spki', format: 'der' });
    const forged = {
      ...m.serverReceipts!.stop!.receipt,
      serverKeyId: createHash('sha256').update(der).digest('hex'),
    };
    const signature = sign(null, Buffer.from(canonicalJson(forged)), other.privateKey).toString(
      'base64',
    );
    await resign(path, { ...m.serverReceipts!, stop: { receipt: forged, signature } });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(
        /^The stop receipt names another signing key \([0-9a-f]{16}…\) than the server’s \([0-9a-f]{16}…\): it was not signed by this server\./,
      ) as unknown,
    });
    // Signed by another key while naming the server's: the signature gives it away.
    const claimed = { ...forged, serverKeyId: serverKey.keyId };
    const again = sign(null, Buffer.from(canonicalJson(claimed)), other.privateKey).toString(
      'base64',
    );
    await resign(path, { ...m.serverReceipts!, stop: { receipt: claimed, signature: again } });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(/^The stop receipt’s signature does not match/) as unknown,
    });
  });

  it('says not known to the server when the receipts are another recording’s', async () => {
    const first = await recordingWithReceipts();
    const second = await recordingWithReceipts();
    await resign(second.path, first.m.serverReceipts);
    await expect(
      verifyRecording(second.path, { checkServerReceipt: check }),
    ).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(
        /^The start receipt is for another recording \(rec_/,
      ) as unknown,
    });
  });

  it('says not known to the server, and that the file is intact, when the manifest holds no receipt', async () => {
    const { path } = await recordingWithReceipts();
    await resign(path, undefined);
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toEqual({
      verdict: 'not-known-to-server',
      status: 'complete',
      keyId: await key.signer.keyId(),
      reason: expect.stringMatching(
        /^The manifest holds no receipt from the server: the server was unreachable while it was recorded, or it was made before receipts\. The file itself is intact: 4,000 bytes in 2 chunks match the hash chain/,
      ) as unknown,
    });
    // A changed file is still altered first: the server's word never hides that.
    writeFileSync(path, 'x');
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'truncated',
    });
  });

  it('in the app, also asks the server: receipts it does not hold for this advisor are not known', async () => {
    const { path } = await recordingWithReceipts();
    const blake = await h.login('blake');
    const heldFor = (token: string) => async (id: string) =>
      ((await h.get(`/api/recordings/receipts/${id}`, token)).body as { receipts: StoredReceipt[] })
        .receipts;
    const asAvery = createServerReceiptCheck({
      key: () => Promise.resolve(serverKey),
      held: heldFor(avery.accessToken),
    });
    await expect(verifyRecording(path, { checkServerReceipt: asAvery })).resolves.toMatchObject({
      verdict: 'valid',
    });
    const asBlake = createServerReceiptCheck({
      key: () => Promise.resolve(serverKey),
      held: heldFor(blake.accessToken),
    });
    await expect(verifyRecording(path, { checkServerReceipt: asBlake })).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(/^The server holds no receipt for this recording\./) as unknown,
    });
  });
});
