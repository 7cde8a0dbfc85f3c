import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordingSummarySchema, type RecordingPolicy } from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { createRouter } from '../ipc/router.ts';
import { chainHead, sha256Hex } from './hash-chain.ts';
import { checkSignature } from './manifest-signature.ts';
import { recordingsFolderStatus } from './folder-status.ts';
import { registerRecording } from './register-recording.ts';
import { createRecordingSigner } from './signing-key.ts';
import {
  START,
  chunk,
  createTempFolders,
  mediaFiles,
  readManifest,
  witnessOf,
  writerFor as writerWith,
  type WriterOptions,
} from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording } from './verify.ts';
import { safeFileStem, type RecordingFs } from './writer.ts';

const temp = createTempFolders();
const tempFolder = temp.folder;
afterEach(temp.cleanUp);
const key = testKey('writer');
afterAll(key.remove);

/** 24 Nov 2026, 10:30:15 local time. */
const T0 = new Date(2026, 10, 24, 10, 30, 15).getTime();

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const concat = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks);

function writerFor(folder: string, extra: Partial<WriterOptions> = {}) {
  return writerWith(folder, { signer: key.signer, ...extra });
}

type Write = (bytes: Uint8Array, offset?: number, length?: number) => Promise<unknown>;

/** Real node:fs/promises, with the media file's handle passed through `adapt` once opened. */
function fsWithMediaHandle(adapt: (handle: FileHandle) => void): RecordingFs {
  return {
    ...fsp,
    async open(path, flags, mode) {
      const handle = await fsp.open(path, flags, mode);
      if (flags === 'wx' && String(path).endsWith('.webm')) adapt(handle);
      return handle;
    },
  };
}

function wrapWrite(handle: FileHandle, wrap: (write: Write) => Write): void {
  const write = handle.write.bind(handle) as unknown as Write;
  handle.write = wrap(write) as unknown as FileHandle['write'];
}

describe('recording writer', () => {
  it('writes chunks in call order even when appends overlap and writes finish out of order', async () => {
    const folder = tempFolder();
    // Every write waits a random while, so unserialised writes would land shuffled.
    const jittery = fsWithMediaHandle((handle) => {
      wrapWrite(handle, (write) => async (bytes, offset, length) => {
        await delay(Math.random() * 4);
        return write(bytes, offset, length);
      });
    });
    const writer = writerFor(folder, { fs: jittery });
    const { recordingId } = await writer.start(START);
    const chunks = Array.from({ length: 40 }, (_, i) => chunk(i, 100 + ((i * 37) % 900)));

    const results = await Promise.all(chunks.map((c) => writer.append(recordingId, c)));

    let total = 0;
    expect(results.map((r) => r.bytes)).toEqual(chunks.map((c) => (total += c.byteLength)));
    const summary = await writer.stop(recordingId);
    const onDisk = readFileSync(join(summary.folder, summary.fileName));
    expect(onDisk.equals(concat(chunks))).toBe(true);
    expect(summary.bytes).toBe(onDisk.byteLength);
  });

  it('finishes with a signed manifest: chain, SHA-256, size, duration, and the call as main saw it', async () => {
    const folder = tempFolder();
    let t = T0;
    const now = () => t;
    const alice = { id: 'u_alice', displayName: 'Alice' };
    const bob = { id: 'u_bob', displayName: 'Bob' };
    const witness = witnessOf([alice, bob], START.callId, now);
    witness.sent(
      {
        event: 'recording-state',
        payload: { to: 'u_bob', callId: START.callId, state: 'consent-requested' },
      },
      { ok: true },
    );
    t += 2_000;
    witness.received({
      event: 'recording-state',
      payload: { from: 'u_bob', callId: START.callId, state: 'consent-granted' },
    });
    const writer = writerFor(folder, { now, witness });
    // The renderer's list is only a cross-check: Carol was never in the call, Bob is left out.
    const { recordingId } = await writer.start({
      ...START,
      participants: [alice, { id: 'u_carol', displayName: 'Carol' }],
    });
    expect(recordingId).toMatch(/^rec_[A-Za-z0-9_-]{8,64}$/);
    const chunks = [chunk(1, 5_000), chunk(2, 7_000), chunk(3, 11)];
    for (const c of chunks) await writer.append(recordingId, c);
    t += 65_432;
    const summary = await writer.stop(recordingId);

    expect(recordingSummarySchema.parse(summary)).toEqual(summary);
    expect(summary.fileName).toBe('2026-11-24 10-30 Call with Alice and Bob.webm');
    expect(summary.folder).toBe(resolve(folder));
    const path = join(folder, summary.fileName);
    const fileHash = sha256(readFileSync(path));
    expect(summary).toMatchObject({ recordingId, bytes: 12_011, durationMs: 65_432 });
    expect(summary.sha256).toBe(fileHash);
    const entries = chunks.map((c): [number, string] => [c.byteLength, sha256Hex(c)]);
    const keyId = await key.signer.keyId();
    const joinedAt = new Date(T0).toISOString();
    expect(readManifest(path)).toEqual({
      version: 2,
      status: 'complete',
      callId: START.callId,
      recordingId,
      file: summary.fileName,
      mimeType: START.mimeType,
      appVersion: '9.9.9-test',
      startedAt: new Date(T0 + 2_000).toISOString(),
      endedAt: new Date(T0 + 2_000 + 65_432).toISOString(),
      durationMs: 65_432,
      bytes: 12_011,
      sha256: fileHash,
      chain: { algorithm: 'sha256-chain-v1', count: 3, head: chainHead(entries), chunks: entries },
      participants: [
        { ...alice, nameFrom: 'signaling', guest: false, joinedAt, leftAt: null },
        { ...bob, nameFrom: 'signaling', guest: false, joinedAt, leftAt: null },
      ],
      consent: [
        { at: joinedAt, from: 'u_alice', to: 'u_bob', state: 'consent-requested' },
        {
          at: new Date(T0 + 2_000).toISOString(),
          from: 'u_bob',
          to: 'u_alice',
          state: 'consent-granted',
        },
      ],
      participantsCheck: {
        matches: false,
        claimedNotWitnessed: [{ id: 'u_carol', displayName: 'Carol' }],
        witnessedNotClaimed: ['u_bob'],
      },
      signer: { algorithm: 'Ed25519', keyId, publicKey: expect.any(String) },
      signature: expect.any(String),
    });
    expect(keyId).toMatch(/^[0-9a-f]{64}$/);
    const raw = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as Record<string, unknown>;
    expect(checkSignature(raw)).toEqual({ state: 'signed', keyId });
    // The journal is gone once the manifest holds the chain; nothing else was left behind.
    expect(readdirSync(folder).sort()).toEqual([summary.fileName, `${summary.fileName}.json`]);
    expect(writer.activeCount()).toBe(0);
    await expect(writer.reveal(recordingId)).resolves.toBe(path);
    expect(writer.locate(recordingId)).toBe(path);
    // A second stop answers with the same summary instead of failing.
    await expect(writer.stop(recordingId)).resolves.toEqual(summary);
  });

  it('never overwrites: two recordings in the same minute get distinct names', async () => {
    const folder = tempFolder();
    const writer = writerFor(folder, { now: () => T0 });
    const first = await writer.start(START);
    const second = await writer.start(START);
    expect(writer.activeCount()).toBe(2);
    await writer.append(first.recordingId, chunk(1, 10));
    await writer.append(second.recordingId, chunk(2, 20));
    const [a, b] = await writer.stopAll();

    expect(writer.activeCount()).toBe(0);
    expect(a?.fileName).toBe('2026-11-24 10-30 Call with Alice.webm');
    expect(b?.fileName).toBe('2026-11-24 10-30 Call with Alice (2).webm');
    expect(readFileSync(join(folder, a!.fileName)).equals(Buffer.from(chunk(1, 10)))).toBe(true);
    expect(readFileSync(join(folder, b!.fileName)).equals(Buffer.from(chunk(2, 20)))).toBe(true);
    expect(readManifest(join(folder, b!.fileName)).bytes).toBe(20);
  });

  it('also skips a name whose manifest is left over from a deleted recording', async () => {
    const folder = tempFolder();
    mkdirSync(folder);
    const orphan = join(folder, '2026-11-24 10-30 Call with Alice.webm.json');
    writeFileSync(orphan, '{"kept": true}');
    const writer = writerFor(folder, { now: () => T0 });
    const { recordingId } = await writer.start(START);
    const summary = await writer.stop(recordingId);
    expect(summary.fileName).toBe('2026-11-24 10-30 Call with Alice (2).webm');
    expect(readFileSync(orphan, 'utf8')).toBe('{"kept": true}');
    expect(mediaFiles(folder)).toEqual([summary.fileName]);
  });

  it('sanitises display names into a portable file name', async () => {
    const folder = tempFolder();
    const named = [{ id: 'u_x', displayName: 'Ali/ce: <CON>?' }];
    const writer = writerFor(folder, { now: () => T0, witness: witnessOf(named) });
    const { recordingId } = await writer.start({ ...START, participants: named });
    const { fileName } = await writer.stop(recordingId);

    expect(fileName).toBe('2026-11-24 10-30 Call with Ali ce CON.webm');
    expect(fileName).not.toMatch(/[<>:"/\\|?*\p{Cc}]/u);
    expect(mediaFiles(folder)).toEqual([fileName]);
  });

  it('bounds long names and falls back when no name is usable', async () => {
    const folder = tempFolder();
    const many = Array.from({ length: 6 }, (_, i) => ({
      id: `u_${i}`,
      displayName: `${'🦊'.repeat(30)}${i}`,
    }));
    const witness = witnessOf(many);
    const unnamed = { ...START, callId: 'call_unnamed0001' };
    witness.received({
      event: 'call-participants',
      payload: {
        callId: unnamed.callId,
        participants: [{ userId: 'u_q', displayName: '???', state: 'joined' }],
      },
    });
    const writer = writerFor(folder, { now: () => T0, witness });
    const long = await writer.start({ ...START, participants: many });
    const none = await writer.start({
      ...unnamed,
      participants: [{ id: 'u_q', displayName: '???' }],
    });
    const [longSummary, noneSummary] = await writer.stopAll();

    expect(Buffer.byteLength(longSummary!.fileName)).toBeLessThanOrEqual(200);
    expect(longSummary!.fileName).toMatch(/^2026-11-24 10-30 Call with 🦊+.*\.webm$/u);
    expect(noneSummary!.fileName).toBe('2026-11-24 10-30 Call.webm');
    expect(long.recordingId).not.toBe(none.recordingId);
  });

  it('safeFileStem removes what Windows, macOS or Linux refuse or misdisplay', () => {
    expect(safeFileStem('CON')).toBe('CON_');
    expect(safeFileStem('lpt1.txt')).toBe('lpt1.txt_');
    expect(safeFileStem('  ..hidden. ')).toBe('hidden');
    expect(safeFileStem('a\u202Egpj.exe')).toBe('a gpj.exe');
    expect(safeFileStem('tab\there\nnew')).toBe('tab here new');
    expect(safeFileStem('x'.repeat(500))).toHaveLength(48);
    expect(safeFileStem('..')).toBe('');
  });

  it('refuses to record when policy disables it, creating nothing', async () => {
    const folder = tempFolder();
    const writer = writerFor(folder, { policy: 'disabled' });
    const attempt = writer.start(START);
    await expect(attempt).rejects.toBeInstanceOf(BridgeFailure);
    await expect(attempt).rejects.toMatchObject({
      code: 'recording-disabled',
      message: expect.stringMatching(/turned off/) as unknown,
    });
    expect(existsSync(folder)).toBe(false);
    expect(writer.activeCount()).toBe(0);
  });

  it('answers unknown ids with no-such-recording', async () => {
    const writer = writerFor(tempFolder());
    const unknown = 'rec_AAAAAAAAAAAAAAAA';
    await expect(writer.append(unknown, chunk(1, 1))).rejects.toMatchObject({
      code: 'no-such-recording',
    });
    await expect(writer.stop(unknown)).rejects.toMatchObject({ code: 'no-such-recording' });
    await expect(writer.reveal(unknown)).rejects.toMatchObject({ code: 'no-such-recording' });
  });

  it('refuses appends after stop without touching the file', async () => {
    const folder = tempFolder();
    const writer = writerFor(folder);
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(1, 10));
    const summary = await writer.stop(recordingId);
    await expect(writer.append(recordingId, chunk(2, 10))).rejects.toMatchObject({
      code: 'no-such-recording',
    });
    expect(statSync(join(folder, summary.fileName)).size).toBe(10);
  });

  it('puts data on disk while recording: synced inline after a second, by timer otherwise', async () => {
    const folder = tempFolder();
    let t = T0;
    const syncedSizes: number[] = [];
    const counting = fsWithMediaHandle((handle) => {
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        await datasync();
        syncedSizes.push((await handle.stat()).size);
      };
    });
    const writer = writerFor(folder, { now: () => t, fs: counting });
    const { recordingId } = await writer.start(START);
    const [fileName] = mediaFiles(folder);
    const path = join(folder, fileName!);

    await writer.append(recordingId, chunk(1, 1_000));
    expect(syncedSizes).toEqual([]);
    t += 1_000;
    await writer.append(recordingId, chunk(2, 2_000));
    // A second has passed since start: this append synced before it resolved.
    expect(syncedSizes).toEqual([3_000]);
    expect(statSync(path).size).toBe(3_000);

    await writer.append(recordingId, chunk(3, 500));
    expect(syncedSizes).toEqual([3_000]);
    // No further append and no clock change: the timer syncs within the second anyway.
    await delay(1_300);
    expect(syncedSizes.at(-1)).toBe(3_500);
    expect(writer.activeCount()).toBe(1);

    await writer.stop(recordingId);
    expect(statSync(path).size).toBe(3_500);
  });

  it('recovers a recording a crash left open as recovered: chained up to the last whole chunk, signed', async () => {
    const folder = tempFolder();
    const startedAt = Date.now() - 60_000;
    const crashed = writerFor(folder, { now: () => startedAt });
    const { recordingId } = await crashed.start(START);
    const chunks = [chunk(7, 4_000), chunk(8, 3_000)];
    for (const c of chunks) await crashed.append(recordingId, c);
    const [fileName] = mediaFiles(folder);
    const path = join(folder, fileName!);
    const journal = readManifest(path);
    expect(journal).toMatchObject({ status: 'recording', bytes: 0, sha256: null, signer: null });
    // The journal has a line per chunk: a crash leaves a chain of what reached the disk.
    const lines = readFileSync(`${path}.chain`, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { n: number }).n)).toEqual([4_000, 3_000]);
    // The crash came mid-chunk: its bytes reached the file, its journal line only half.
    appendFileSync(path, chunk(9, 500));
    appendFileSync(`${path}.chain`, '{"i":2,"n":5');
    // A planted manifest must not make recovery read or write outside its own file.
    writeFileSync(
      join(folder, 'planted.json'),
      JSON.stringify({ ...journal, file: '../outside.webm' }),
    );

    // "Crash": the first writer is dropped without stop; the next start recovers.
    const restarted = writerFor(folder);
    const recovered = await restarted.recoverInterrupted();

    const entries = chunks.map((c): [number, string] => [c.byteLength, sha256Hex(c)]);
    const { unsigned: _unsigned, ...rest } = journal;
    const expected = {
      ...rest,
      status: 'recovered',
      bytes: 7_500,
      sha256: sha256(readFileSync(path)),
      endedAt: statSync(path).mtime.toISOString(),
      durationMs: statSync(path).mtime.getTime() - startedAt,
      chain: { algorithm: 'sha256-chain-v1', count: 2, head: chainHead(entries), chunks: entries },
      recovery: { journalChunks: 2, verifiedChunks: 2, unchainedBytes: 500 },
      signer: expect.objectContaining({ keyId: await key.signer.keyId() }),
      signature: expect.any(String),
    };
    expect(recovered).toEqual([expected]);
    expect(readManifest(path)).toEqual(expected);
    expect(expected.durationMs).toBeGreaterThan(55_000);
    expect(existsSync(`${path}.chain`)).toBe(false);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'valid',
      status: 'recovered',
      reason: expect.stringMatching(/covers the 2 whole chunks.*500 bytes after them/) as unknown,
    });
    expect(JSON.parse(readFileSync(join(folder, 'planted.json'), 'utf8'))).toMatchObject({
      status: 'recording',
    });
    await expect(restarted.recoverInterrupted()).resolves.toEqual([]);
  });

  it('recovery stops the chain at the first chunk that no longer matches its journal line', async () => {
    const folder = tempFolder();
    const crashed = writerFor(folder);
    const { recordingId } = await crashed.start(START);
    for (const c of [chunk(1, 1_000), chunk(2, 1_000), chunk(3, 1_000)]) {
      await crashed.append(recordingId, c);
    }
    const [fileName] = mediaFiles(folder);
    const path = join(folder, fileName!);
    // Changed while the app was down: the second chunk's first byte.
    const bytes = readFileSync(path);
    bytes[1_000] = 0xff;
    writeFileSync(path, bytes);

    const [manifest] = await writerFor(folder).recoverInterrupted();
    expect(manifest).toMatchObject({
      status: 'recovered',
      bytes: 3_000,
      chain: { count: 1 },
      recovery: { journalChunks: 3, verifiedChunks: 1, unchainedBytes: 2_000 },
    });
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'valid',
      reason: expect.stringMatching(
        /covers the 1 whole chunk found on disk; the 2,000 bytes after them are covered only by the file’s SHA-256; 2 more chunks the journal listed were not found intact/,
      ) as unknown,
    });
  });

  it('interruptAll closes open recordings as interrupted when the renderer is gone', async () => {
    const folder = tempFolder();
    const writer = writerFor(folder);
    const { recordingId } = await writer.start(START);
    const chunks = [chunk(3, 2_000), chunk(4, 1_500)];
    for (const c of chunks) await writer.append(recordingId, c);
    const [summary] = await writer.interruptAll();
    expect(summary).toMatchObject({ recordingId, bytes: 3_500 });
    const [fileName] = mediaFiles(folder);
    const path = join(folder, fileName!);
    expect(readManifest(path)).toMatchObject({
      status: 'interrupted',
      bytes: 3_500,
      sha256: sha256(concat(chunks)),
    });
    expect(writer.activeCount()).toBe(0);
    await expect(writer.append(recordingId, chunk(5, 10))).rejects.toMatchObject({
      code: 'no-such-recording',
    });
    await expect(writerFor(folder).recoverInterrupted()).resolves.toEqual([]);
  });

  it('leaves recordings that are still open in this run alone when recovering', async () => {
    const folder = tempFolder();
    const writer = writerFor(folder);
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(1, 10));
    await expect(writer.recoverInterrupted()).resolves.toEqual([]);
    const summary = await writer.stop(recordingId);
    expect(readManifest(join(folder, summary.fileName)).status).toBe('complete');
  });

  it('on a full disk reports disk-full and keeps what was written, closed with a failed manifest', async () => {
    const folder = tempFolder();
    // Like a real disk filling up: two whole writes, a short one, then ENOSPC.
    let calls = 0;
    const filling = fsWithMediaHandle((handle) => {
      wrapWrite(handle, (write) => async (bytes, offset, length) => {
        calls += 1;
        if (calls === 3) return write(bytes, offset, Math.min(length ?? bytes.byteLength, 300));
        if (calls > 3) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
            code: 'ENOSPC',
          });
        }
        return write(bytes, offset, length);
      });
    });
    const writer = writerFor(folder, { fs: filling });
    const { recordingId } = await writer.start(START);
    const written = [chunk(1, 1_500), chunk(2, 2_500)];
    for (const c of written) await writer.append(recordingId, c);

    const failed = writer.append(recordingId, chunk(3, 1_000));
    await expect(failed).rejects.toBeInstanceOf(BridgeFailure);
    await expect(failed).rejects.toMatchObject({
      code: 'disk-full',
      message: expect.stringMatching(/disk is full.*recorded so far is kept/s) as unknown,
    });

    const [fileName] = mediaFiles(folder);
    const path = join(folder, fileName!);
    const onDisk = readFileSync(path);
    expect(onDisk.equals(concat([...written, chunk(3, 300)]))).toBe(true);
    expect(writer.activeCount()).toBe(0);
    expect(readManifest(path)).toMatchObject({
      status: 'failed',
      error: 'ENOSPC',
      bytes: 4_300,
      sha256: sha256(onDisk),
      // The short write is a chunk of its own: the chain covers exactly what reached the disk.
      chain: {
        count: 3,
        chunks: [
          [1_500, expect.any(String)],
          [2_500, expect.any(String)],
          [300, sha256Hex(chunk(3, 300))],
        ],
      },
    });
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'valid',
      status: 'failed',
      reason: expect.stringMatching(/write error \(ENOSPC\)/) as unknown,
    });
    // The renderer keeps sending until it hears: later chunks get the same answer.
    await expect(writer.append(recordingId, chunk(4, 10))).rejects.toMatchObject({
      code: 'disk-full',
    });
    await expect(writer.stop(recordingId)).resolves.toMatchObject({
      bytes: 4_300,
      sha256: sha256(onDisk),
    });
    expect(readFileSync(path).equals(onDisk)).toBe(true);
  });

  it('reports a folder it cannot write to as not-writable, naming Settings', async () => {
    const folder = tempFolder();
    mkdirSync(folder);
    // Root ignores permission bits, so there the refusal comes from the file-system seam.
    const asRoot = process.getuid?.() === 0;
    const refusing: RecordingFs = {
      ...fsp,
      open: (path, flags, mode) =>
        flags === 'wx'
          ? Promise.reject(
              Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }),
            )
          : fsp.open(path, flags, mode),
    };
    if (!asRoot) chmodSync(folder, 0o500);
    try {
      const writer = writerFor(folder, asRoot ? { fs: refusing } : {});
      await expect(writer.start(START)).rejects.toMatchObject({
        code: 'not-writable',
        message: expect.stringMatching(
          /recordings folder.*cannot be written.*Settings/s,
        ) as unknown,
      });
      expect(readdirSync(folder)).toEqual([]);
      expect(writer.activeCount()).toBe(0);
    } finally {
      chmodSync(folder, 0o700);
    }
  });
});

describe('what recording leaves on disk', () => {
  it.skipIf(process.platform === 'win32')(
    'creates the folder 0700 and every file 0600',
    async () => {
      const folder = tempFolder();
      const writer = writerFor(folder);
      const { recordingId } = await writer.start(START);
      await writer.append(recordingId, chunk(1, 100));
      const [fileName] = mediaFiles(folder);
      const path = join(folder, fileName!);
      const mode = (file: string) => statSync(file).mode & 0o777;
      expect(mode(folder)).toBe(0o700);
      // While recording: the media, the start manifest and the chain journal.
      expect([path, `${path}.json`, `${path}.chain`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      await writer.stop(recordingId);
      // The closed manifest replaced the start one through a temporary file: still 0600.
      expect([path, `${path}.json`].map(mode)).toEqual([0o600, 0o600]);
    },
  );

  it('records without a keychain, the manifest unsigned with the reason, and no key anywhere on disk', async () => {
    const folder = tempFolder();
    const locked = {
      getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
      setPassword: () => Promise.reject(new Error('unreachable')),
      deletePassword: () => Promise.resolve(false),
      findCredentials: () => Promise.resolve([]),
    };
    const writer = writerFor(folder, { signer: createRecordingSigner(locked) });
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(4, 2_000));
    const summary = await writer.stop(recordingId);
    const path = join(folder, summary.fileName);

    const manifest = readManifest(path);
    expect(manifest).toMatchObject({ status: 'complete', bytes: 2_000, signer: null });
    expect(manifest.signature).toBeUndefined();
    expect(manifest.unsigned).toMatch(/keychain could not provide.*D-Bus.*not signed/);
    expect(readdirSync(folder).sort()).toEqual([summary.fileName, `${summary.fileName}.json`]);
    await expect(verifyRecording(path)).resolves.toMatchObject({
      verdict: 'unsigned',
      reason: expect.stringMatching(
        /not signed, so anyone could have written it.*keychain/,
      ) as unknown,
    });
  });

  it('refuses a cloud-synced folder when IT forbids it, creating nothing', async () => {
    const base = tempFolder();
    const folder = join(base, 'OneDrive - Contoso', 'Recordings');
    const writer = writerFor(folder, {
      folderStatus: (path) =>
        recordingsFolderStatus(path, { platform: 'linux', env: {}, allowCloudSynced: () => false }),
    });
    await expect(writer.start(START)).rejects.toMatchObject({
      code: 'cloud-synced-folder',
      message: expect.stringMatching(
        /does not allow recordings in a folder that OneDrive copies/,
      ) as unknown,
    });
    expect(existsSync(base)).toBe(false);
  });
});

describe('recording channels through the router', () => {
  const sender = { url: 'app://advisor/index.html', isMainFrame: true };

  function setUp(policy: RecordingPolicy = 'allowed') {
    const folder = tempFolder();
    const router = createRouter({ trustedOrigin: 'app://advisor' });
    const revealed: string[] = [];
    registerRecording(router, {
      writer: writerFor(folder, { policy }),
      revealFile: (path) => revealed.push(path),
      signer: key.signer,
      folderStatus: () => ({ provider: 'Dropbox', message: 'inside Dropbox', refused: false }),
    });
    return { folder, router, revealed };
  }

  it('starts, appends, stops and reveals with {ok: true, value}', async () => {
    const { folder, router, revealed } = setUp();
    expect(router.unhandled().filter((c) => c.startsWith('recording:'))).toEqual([]);

    const started = await router.invoke(sender, 'recording:start', [START]);
    expect(started).toEqual({ ok: true, value: { recordingId: expect.any(String) as unknown } });
    const { recordingId } = (started as { ok: true; value: { recordingId: string } }).value;

    await expect(
      router.invoke(sender, 'recording:append', [recordingId, new Uint8Array([1, 2, 3])]),
    ).resolves.toEqual({ ok: true, value: { bytes: 3 } });
    await expect(
      router.invoke(sender, 'recording:append', [recordingId, new Uint8Array([4, 5])]),
    ).resolves.toEqual({ ok: true, value: { bytes: 5 } });

    const stopped = await router.invoke(sender, 'recording:stop', [recordingId]);
    expect(stopped.ok).toBe(true);
    const summary = recordingSummarySchema.parse((stopped as { ok: true; value: unknown }).value);
    expect(summary).toMatchObject({
      recordingId,
      bytes: 5,
      sha256: sha256(Buffer.from([1, 2, 3, 4, 5])),
    });

    await expect(router.invoke(sender, 'recording:reveal', [recordingId])).resolves.toEqual({
      ok: true,
      value: null,
    });
    expect(revealed).toEqual([join(folder, summary.fileName)]);
  });

  it('verifies a recording it knows by id, against this install’s key, and describes the folder', async () => {
    const { router } = setUp();
    const started = await router.invoke(sender, 'recording:start', [START]);
    const { recordingId } = (started as { ok: true; value: { recordingId: string } }).value;
    await router.invoke(sender, 'recording:append', [recordingId, new Uint8Array([1, 2, 3])]);
    // Still recording: nothing to verify yet.
    await expect(router.invoke(sender, 'recordings:verify', [recordingId])).resolves.toMatchObject({
      ok: false,
      error: {
        code: 'no-such-recording',
        message: expect.stringMatching(/still being made/) as unknown,
      },
    });
    await router.invoke(sender, 'recording:stop', [recordingId]);

    const keyId = await key.signer.keyId();
    await expect(router.invoke(sender, 'recordings:verify', [recordingId])).resolves.toEqual({
      ok: true,
      value: {
        verdict: 'valid',
        status: 'complete',
        keyId,
        reason: expect.stringMatching(/signed by this computer’s recording key/) as unknown,
      },
    });
    await expect(
      router.invoke(sender, 'recordings:verify', ['rec_AAAAAAAAAAAAAAAA']),
    ).resolves.toMatchObject({ ok: false, error: { code: 'no-such-recording' } });
    // A path is not an id: the contract refuses it before any file is touched.
    await expect(
      router.invoke(sender, 'recordings:verify', ['/etc/passwd']),
    ).resolves.toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    await expect(router.invoke(sender, 'recordings:folder-status', [])).resolves.toEqual({
      ok: true,
      value: { provider: 'Dropbox', message: 'inside Dropbox', refused: false },
    });
  });

  it('rejects a string instead of bytes as invalid-arguments, writing nothing', async () => {
    const { folder, router } = setUp();
    const started = await router.invoke(sender, 'recording:start', [START]);
    const { recordingId } = (started as { ok: true; value: { recordingId: string } }).value;

    const result = await router.invoke(sender, 'recording:append', [recordingId, 'AAEC']);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    const [fileName] = mediaFiles(folder);
    expect(statSync(join(folder, fileName!)).size).toBe(0);
  });

  it('passes writer refusals through as their code', async () => {
    const { folder, router } = setUp('disabled');
    await expect(router.invoke(sender, 'recording:start', [START])).resolves.toMatchObject({
      ok: false,
      error: { code: 'recording-disabled' },
    });
    await expect(
      router.invoke(sender, 'recording:stop', ['rec_AAAAAAAAAAAAAAAA']),
    ).resolves.toMatchObject({ ok: false, error: { code: 'no-such-recording' } });
    expect(existsSync(folder)).toBe(false);
  });
});
