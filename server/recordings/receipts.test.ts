/**
 * Recording receipts on the real server: a participant gets a start and a stop receipt whose
 * signatures verify (shared/protocol's verifyReceipt) with the key the server serves without a
 * sign-in; the stop names whoever joined while it recorded and still works after the call ended;
 * a non-participant is refused (403), a stop without this advisor's start is refused (409), a
 * forged receipt fails verification, and the server lists an advisor's own receipts only.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RECEIPT_PATHS,
  receiptKeySchema,
  receiptListSchema,
  signedReceiptSchema,
  verifyReceipt,
  type Receipt,
  type ReceiptKey,
  type SignedReceipt,
} from '../../shared/protocol/recording-receipts.ts';
import { connectCall, inviteAndJoin } from '../testing/calls.ts';
import { startHarness, type Client, type Harness } from '../testing/harness.ts';
import { loadReceiptSigner } from './receipt-key.ts';

let h: Harness;
let alice: Client;
let bob: Client;
let carol: Client;
let dave: Client;
beforeEach(async () => {
  h = await startHarness();
  for (const name of ['alice', 'bob', 'carol', 'dave']) await h.addUser(name, ['Team']);
  [alice, bob, carol, dave] = (await Promise.all(
    ['alice', 'bob', 'carol', 'dave'].map((n) => h.connect(n)),
  )) as [Client, Client, Client, Client];
});
afterEach(async () => {
  await h.close();
});

const newRecordingId = () => `rec-${randomBytes(12).toString('base64url')}`;
const hex = (byte: string) => byte.repeat(64);

const ask = (client: Client, body: unknown) =>
  h.post(RECEIPT_PATHS.receipts, body, client.tokens.accessToken);

async function served(): Promise<ReceiptKey> {
  const res = await h.get(RECEIPT_PATHS.key); // no token: anyone may check a receipt
  expect(res.status).toBe(200);
  return receiptKeySchema.parse(res.body);
}

async function receiptFor(client: Client, body: unknown): Promise<SignedReceipt> {
  const res = await ask(client, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return signedReceiptSchema.parse(res.body);
}

const stopBody = (callId: string, recordingId: string) => ({
  phase: 'stop',
  callId,
  recordingId,
  bytes: 1_234_567,
  sha256: hex('a'),
  chainHead: hex('b'),
  startedAt: '2030-01-01T10:00:00.000Z',
  endedAt: '2030-01-01T10:30:00.000Z',
});

const names = (receipt: Receipt) => receipt.participants.map((p) => p.displayName).sort();

describe('recording receipts', () => {
  it('signs a start and a stop for a participant; the served key verifies both', async () => {
    const callId = await connectCall(alice, bob);
    const recordingId = newRecordingId();
    const key = await served();
    // The key is the one in the database (what every node, and the admin CLI, reads).
    expect(key).toEqual((await loadReceiptSigner(h.store)).publicKey);

    const start = await receiptFor(alice, { phase: 'start', callId, recordingId });
    expect(start.receipt).toMatchObject({
      phase: 'start',
      callId,
      recordingId,
      advisorId: alice.userId,
      serverKeyId: key.keyId,
    });
    expect(names(start.receipt)).toEqual(['Alice Tester', 'Bob Tester']);
    expect(await verifyReceipt(start.receipt, start.signature, key.publicKey)).toBe(true);

    // Carol joins while it records, then the call ends before the app asks for its stop.
    await inviteAndJoin(alice, carol, callId);
    await alice.send('end-call', { to: bob.userId, callId });
    await bob.send('end-call', { to: carol.userId, callId });
    const stop = await receiptFor(alice, stopBody(callId, recordingId));
    expect(stop.receipt).toMatchObject({
      ...stopBody(callId, recordingId),
      advisorId: alice.userId,
      serverKeyId: key.keyId,
    });
    expect(names(stop.receipt)).toEqual(['Alice Tester', 'Bob Tester', 'Carol Tester']);
    expect(Date.parse(stop.receipt.at)).toBeGreaterThanOrEqual(Date.parse(start.receipt.at));
    expect(await verifyReceipt(stop.receipt, stop.signature, key.publicKey)).toBe(true);

    // The server holds both, for their advisor only.
    const mine = await h.get(`${RECEIPT_PATHS.receipts}/${recordingId}`, alice.tokens.accessToken);
    expect(receiptListSchema.parse(mine.body).receipts).toEqual([start, stop]);
    const theirs = await h.get(`${RECEIPT_PATHS.receipts}/${recordingId}`, bob.tokens.accessToken);
    expect(theirs.body).toEqual({ receipts: [] });
    // And in its audit trail, as records of their own.
    await h.audit.flush();
    const records = await h.audit.store.find({ recordingId });
    expect(records.map((r) => [r.type, r.actor, r.fields.signature])).toEqual([
      ['recording.start-receipt', alice.userId, start.signature],
      ['recording.stop-receipt', alice.userId, stop.signature],
    ]);
  });

  it('refuses someone who is not in the call (403)', async () => {
    const callId = await connectCall(alice, bob);
    const res = await ask(dave, { phase: 'start', callId, recordingId: newRecordingId() });
    expect(res).toEqual({
      status: 403,
      body: {
        error: {
          code: 'not-in-call',
          message: expect.stringMatching(/not in that call/) as string,
        },
      },
    });
    // Nor a call that does not exist.
    const none = await ask(alice, {
      phase: 'start',
      callId: 'no-such-call-1',
      recordingId: newRecordingId(),
    });
    expect(none.status).toBe(403);
  });

  it('refuses a stop without a start of this advisor for that recording and call (409)', async () => {
    const callId = await connectCall(alice, bob);
    const never = await ask(alice, stopBody(callId, newRecordingId()));
    expect(never).toMatchObject({ status: 409, body: { error: { code: 'no-start-receipt' } } });

    const recordingId = newRecordingId();
    await receiptFor(alice, { phase: 'start', callId, recordingId });
    const someoneElse = await ask(bob, stopBody(callId, recordingId));
    expect(someoneElse).toMatchObject({
      status: 409,
      body: { error: { code: 'no-start-receipt' } },
    });
    const otherCall = await ask(alice, stopBody('another-call-1', recordingId));
    expect(otherCall).toMatchObject({ status: 409, body: { error: { code: 'no-start-receipt' } } });

    // One start and one stop per recording.
    expect((await ask(alice, { phase: 'start', callId, recordingId })).status).toBe(409);
    await receiptFor(alice, stopBody(callId, recordingId));
    expect((await ask(alice, stopBody(callId, recordingId))).status).toBe(409);
  });

  it('asks for a sign-in and a well-formed body', async () => {
    const callId = await connectCall(alice, bob);
    const body = { phase: 'start', callId, recordingId: newRecordingId() };
    expect((await h.post(RECEIPT_PATHS.receipts, body)).status).toBe(401);
    expect(
      (await ask(alice, { ...stopBody(callId, newRecordingId()), sha256: 'not-hex' })).status,
    ).toBe(400);
    expect((await h.get(`${RECEIPT_PATHS.receipts}/x`, alice.tokens.accessToken)).status).toBe(400);
    expect((await h.get(`${RECEIPT_PATHS.receipts}/${newRecordingId()}`)).status).toBe(401);
  });

  it('a forged receipt fails verification', async () => {
    const callId = await connectCall(alice, bob);
    const recordingId = newRecordingId();
    await receiptFor(alice, { phase: 'start', callId, recordingId });
    const { receipt, signature } = await receiptFor(alice, stopBody(callId, recordingId));
    const key = await served();
    expect(await verifyReceipt(receipt, signature, key.publicKey)).toBe(true);

    const forgeries: Receipt[] = [
      { ...receipt, bytes: (receipt.bytes ?? 0) + 1 },
      { ...receipt, sha256: hex('c') },
      { ...receipt, participants: receipt.participants.slice(1) },
      { ...receipt, at: new Date(Date.parse(receipt.at) - 60_000).toISOString() },
      { ...receipt, chainHead: undefined },
    ];
    for (const forged of forgeries) {
      expect(await verifyReceipt(forged, signature, key.publicKey)).toBe(false);
    }
    // Another key, even one the receipt were re-labelled for, and a mangled signature.
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    expect(await verifyReceipt(receipt, signature, other.toString('base64'))).toBe(false);
    expect(await verifyReceipt(receipt, `A${signature.slice(1)}`, key.publicKey)).toBe(false);
    expect(await verifyReceipt(receipt, 'not base64!', key.publicKey)).toBe(false);
  });
});
