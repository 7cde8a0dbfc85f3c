/**
 * The server's receipts in the recording's manifest, against the real server (its call registry,
 * its key, its audit trail), a real signed-in session and the real keychain: both receipts land
 * in the signed manifest; recording starts and stops at once while the server is held or gone,
 * and the manifest says why a receipt is missing; a crash's recording gets its stop receipt
 * from the next start, marked recovered.
 */
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyReceipt, type Receipt } from '../../shared/protocol/recording-receipts.ts';
import { connectCall } from '../../server/testing/calls.ts';
import { sleep, startHarness, type Harness } from '../../server/testing/harness.ts';
import { createKeychainVault } from '../auth/vault.ts';
import { createSession, type Session } from '../session/session.ts';
import { describeCallWith } from './call-account.ts';
import { createConsentGuard } from './consent-guard.ts';
import { sessionReceiptsApi } from './receipts-api.ts';
import { createServerReceiptCheck } from './receipts-check.ts';
import { createRecordingReceipts, type RecordingReceipts } from './receipts.ts';
import { chunk, createTempFolders, readManifest, witnessOf } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording } from './verify.ts';
import { createRecordingWriter, type RecordingWriter } from './writer.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('receipts');
const vaultService = `receipts-test ${randomUUID()}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
});
afterAll(async () => {
  await h.close();
  await key.remove();
  for (const { account } of await keytar.findCredentials(`${vaultService} ${h.url}`)) {
    await keytar.deletePassword(`${vaultService} ${h.url}`, account);
  }
});

/** The advisor's app signed in to `serverUrl` (the server, or a gate in front of it). */
async function signedIn(serverUrl: string): Promise<Session> {
  const session = createSession({
    vault: createKeychainVault({
      getPassword: (_s, account) => keytar.getPassword(`${vaultService} ${h.url}`, account),
      setPassword: (_s, account, pw) => keytar.setPassword(`${vaultService} ${h.url}`, account, pw),
      deletePassword: (_s, account) => keytar.deletePassword(`${vaultService} ${h.url}`, account),
      findCredentials: () => keytar.findCredentials(`${vaultService} ${h.url}`),
    }),
    fetch,
    serverUrl: () => serverUrl,
    rememberServerUrl: () => undefined,
    onChange: () => undefined,
  });
  await session.signIn({ serverUrl, username: 'avery', password: 'correct horse battery' });
  return session;
}

interface Rig {
  folder: string;
  writer: RecordingWriter;
  receipts: RecordingReceipts;
  callId: string;
}

const hangUps: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const hangUp of hangUps.splice(0)) await hangUp();
});

/** Avery and Blake in a real call on the server; a writer whose receipts go through `session`. */
async function rig(session: Session): Promise<Rig> {
  const avery = await h.connect('avery');
  const blake = await h.connect('blake');
  const callId = await connectCall(avery, blake);
  hangUps.push(async () => {
    await avery.send('end-call', { to: blake.userId, callId });
    avery.socket.disconnect();
    blake.socket.disconnect();
  });
  return app(session, callId, temp.folder());
}

/** The app's writer and receipts on `folder`, the call as main saw it. */
function app(session: Session, callId: string, folder: string): Rig {
  const witness = witnessOf(
    [
      { id: 'u_avery', displayName: 'Avery Tester' },
      { id: 'u_blake', displayName: 'Blake Tester' },
    ],
    callId,
  );
  const receipts = createRecordingReceipts({
    api: sessionReceiptsApi(session),
    signer: key.signer,
    folder: () => folder,
    retryDelaysMs: [20, 20],
  });
  const writer = createRecordingWriter({
    folder: () => folder,
    policy: () => 'allowed',
    appVersion: '9.9.9-test',
    signer: key.signer,
    describeCall: describeCallWith(witness),
    consent: createConsentGuard(witness),
    receipts,
  });
  return { folder, writer, receipts, callId };
}

async function record(r: Rig): Promise<{ recordingId: string; path: string }> {
  const { recordingId } = await r.writer.start({
    callId: r.callId,
    participants: [{ id: 'u_x', displayName: 'X' }],
    mimeType: 'video/webm',
  });
  for (const c of [chunk(1, 3_000), chunk(2, 2_000)]) await r.writer.append(recordingId, c);
  const summary = await r.writer.stop(recordingId);
  return { recordingId, path: join(r.folder, summary.fileName) };
}

const serverKey = async () => (await h.get('/api/recordings/receipt-key')).body as never;

describe('server receipts in the manifest', () => {
  it('puts the server’s start and stop receipts for this file into the signed manifest', async () => {
    const session = await signedIn(h.url);
    const r = await rig(session);
    const { recordingId, path } = await record(r);
    await r.receipts.settled(recordingId);

    const m = readManifest(path);
    const key = await serverKey();
    const { start, stop, serverKeyId, missing } = m.serverReceipts!;
    expect(m.recordingId).toBe(recordingId);
    expect(missing).toEqual([]);
    expect(serverKeyId).toBe((key as { keyId: string }).keyId);
    expect(start!.receipt).toMatchObject({ phase: 'start', callId: r.callId, recordingId });
    expect(stop!.receipt).toMatchObject({
      phase: 'stop',
      recordingId,
      bytes: 5_000,
      sha256: m.sha256,
      chainHead: m.chain.head,
      startedAt: m.startedAt,
      endedAt: m.endedAt,
    });
    expect(stop!.receipt.participants.map((p) => p.displayName).sort()).toEqual([
      'Avery Tester',
      'Blake Tester',
    ]);
    for (const signed of [start!, stop!]) {
      await expect(
        verifyReceipt(
          signed.receipt as Receipt,
          signed.signature,
          (key as { publicKey: string }).publicKey,
        ),
      ).resolves.toBe(true);
    }
    // The manifest was signed again with them in it, and the app's check finds them good.
    const check = createServerReceiptCheck({
      key: () => sessionReceiptsApi(session).key(),
      held: (id) => sessionReceiptsApi(session).list(id),
    });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'valid',
      reason: expect.stringMatching(
        /server’s start and stop receipts vouch for this file/,
      ) as unknown,
    });
  });

  it('records at once while the server is held, and signs the receipts in once it answers', async () => {
    const gate = await startGate(Number(new URL(h.url).port));
    const session = await signedIn(gate.url);
    const r = await rig(session);
    gate.hold();
    const { recordingId, path } = await record(r);
    // Started, written and stopped with the server silent: the manifest is closed, no receipts yet.
    expect(readManifest(path)).toMatchObject({ status: 'complete', bytes: 5_000 });
    expect(readManifest(path).serverReceipts).toBeUndefined();
    gate.release();
    await r.receipts.settled(recordingId);
    expect(readManifest(path).serverReceipts).toMatchObject({
      missing: [],
      start: { receipt: { phase: 'start' } },
      stop: { receipt: { phase: 'stop', bytes: 5_000 } },
    });
    await gate.close();
  });

  it('says in the manifest why there is no receipt when the server cannot be reached', async () => {
    const gate = await startGate(Number(new URL(h.url).port));
    const session = await signedIn(gate.url);
    const r = await rig(session);
    await gate.close(); // the server's address now refuses connections
    const { recordingId, path } = await record(r);
    await r.receipts.settled(recordingId);
    const m = readManifest(path);
    expect(m.serverReceipts).toMatchObject({ start: null, stop: null, serverKeyId: null });
    expect(m.serverReceipts!.missing).toEqual([
      expect.stringMatching(/^no start receipt: Cannot reach the server at http:\/\/127\.0\.0\.1:/),
      'no stop receipt: the app asked for no stop receipt, because the server gave no start receipt',
    ]);
    const check = createServerReceiptCheck({ key: serverKey });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'not-known-to-server',
      reason: expect.stringMatching(
        /^The manifest holds no receipt from the server \(no start receipt: Cannot reach.*The file itself is intact: 5,000 bytes in 2 chunks match/,
      ) as unknown,
    });
  });

  it('takes the server’s refusal as the answer: no receipt for a call the advisor is not in', async () => {
    const session = await signedIn(h.url);
    const r = await rig(session);
    const { recordingId, path } = await record({ ...r, callId: 'call_not_mine_0001' });
    await r.receipts.settled(recordingId);
    expect(readManifest(path).serverReceipts!.missing[0]).toBe(
      'no start receipt: You are not in that call, so the server cannot vouch for a recording of it.',
    );
  });

  it('asks for the stop receipt of what a crash left, at the next start, marked recovered', async () => {
    const session = await signedIn(h.url);
    const r = await rig(session);
    const { recordingId } = await r.writer.start({
      callId: r.callId,
      participants: [{ id: 'u_x', displayName: 'X' }],
      mimeType: 'video/webm',
    });
    await r.writer.append(recordingId, chunk(7, 4_000));
    // The start receipt reaches the server; then the app "dies" without stopping.
    await until(async () => (await sessionReceiptsApi(session).list(recordingId)).length === 1);

    const next = app(session, r.callId, r.folder);
    const recovered = await next.writer.recoverInterrupted();
    expect(recovered.map((m) => [m.status, m.recordingId])).toEqual([['recovered', recordingId]]);
    next.receipts.recovered(recovered);
    await next.receipts.settled(recordingId);
    const path = join(r.folder, recovered[0]!.file);
    const m = readManifest(path);
    expect(m.serverReceipts).toMatchObject({
      recovered: true,
      missing: [],
      start: { receipt: { phase: 'start', recordingId } },
      stop: { receipt: { phase: 'stop', bytes: 4_000, sha256: m.sha256 } },
    });
    const check = createServerReceiptCheck({ key: serverKey });
    await expect(verifyRecording(path, { checkServerReceipt: check })).resolves.toMatchObject({
      verdict: 'valid',
      status: 'recovered',
      reason: expect.stringMatching(/the stop asked for when the app recovered it/) as unknown,
    });
  });
});

async function until(ok: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await sleep(20);
  }
}

/**
 * A TCP relay to the server that can hold every byte the app sends (keep-alive connections
 * included) until released: a server that is there but does not answer yet.
 */
async function startGate(port: number) {
  let held = false;
  const waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const backend = connect(port, '127.0.0.1');
    for (const s of [client, backend]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        backend.destroy();
      });
    }
    client.on('data', (data) => {
      if (!held) backend.write(data);
      else waiting.push(() => backend.write(data));
    });
    backend.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: gatePort } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${gatePort}`,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const send of waiting.splice(0)) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
