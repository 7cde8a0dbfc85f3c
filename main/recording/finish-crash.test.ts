/**
 * Main killed for real while it finishes a recording at stop: a separate process records a real
 * Chromium MediaRecorder file through the real writer (real keychain key) and SIGKILLs itself
 * just before, or just after, the finished copy replaces the file. The next start must close
 * either as "recovered" with every chunk of the chain verified, and leave no copy behind.
 * Leftovers a crash can leave beside closed recordings are set up on disk directly.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RecordingManifest } from './manifest.ts';
import { START, chunk, createTempFolders, readManifest, writerFor } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';
import { verifyRecording } from './verify.ts';

const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('finish-crash');
afterAll(key.remove);

const SOURCE = join(import.meta.dirname, 'testing', 'chrome-recording.webm');
const RECORDED = readFileSync(SOURCE);
const PIECE = 16_384;
const CHUNKS = Math.ceil(RECORDED.length / PIECE);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Records the whole fixture in a child process that kills itself at `crashAt` during stop. */
async function crashWhileFinishing(
  crashAt: 'before-finishing-rename' | 'after-finishing-rename',
): Promise<{ folder: string; file: string }> {
  const folder = temp.folder();
  const child = spawn(process.execPath, [
    join(import.meta.dirname, 'testing', 'recording-process.ts'),
    ...[folder, SOURCE, String(PIECE), '0', key.service, crashAt],
  ]);
  let stdout = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  expect(child.signalCode).toBe('SIGKILL');
  // Every piece was acknowledged; the kill came during stop, never after it.
  expect(stdout).toContain(`"acked":${RECORDED.length}`);
  expect(stdout).not.toContain('done');
  const [media] = readdirSync(folder).filter((name) => name.endsWith('.webm'));
  return { folder, file: join(folder, media!) };
}

const leftovers = (folder: string): string[] =>
  readdirSync(folder).filter((name) => /\.(chain|finishing|tmp)$/.test(name));

async function recoverAndVerify(folder: string, file: string): Promise<RecordingManifest> {
  const recovered = await writerFor(folder, { signer: key.signer }).recoverInterrupted();
  expect(recovered).toHaveLength(1);
  const manifest = recovered[0]!;
  const onDisk = readFileSync(file);
  expect(manifest).toMatchObject({
    status: 'recovered',
    bytes: onDisk.length,
    sha256: sha256(onDisk),
    chain: { count: CHUNKS },
    recovery: { journalChunks: CHUNKS, verifiedChunks: CHUNKS, unchainedBytes: 0 },
  });
  expect(readManifest(file)).toEqual(manifest);
  const keyId = await key.signer.keyId();
  await expect(
    verifyRecording(file, { trustedKeys: { ids: [keyId!], label: 'the test key' } }),
  ).resolves.toMatchObject({ verdict: 'valid', status: 'recovered', keyId });
  expect(leftovers(folder)).toEqual([]);
  return manifest;
}

describe('a crash while a recording is finished at stop', () => {
  it('after the finished copy replaced the file, before the manifest: recovered through the finished layout, every chunk verified', async () => {
    const { folder, file } = await crashWhileFinishing('after-finishing-rename');
    // The crash left the finished file (a new head), the journal, and the manifest of the start
    // with the layout the writer wrote just before the rename.
    const finished = readFileSync(file);
    expect(finished.equals(RECORDED)).toBe(false);
    const journal = readManifest(file);
    expect(journal).toMatchObject({ status: 'recording', signer: null });
    const layout = journal.finished!;
    const recordedHead = Buffer.from(layout.recordedHead, 'base64');
    expect(recordedHead.equals(RECORDED.subarray(0, recordedHead.length))).toBe(true);
    expect(finished.subarray(layout.headBytes).equals(RECORDED.subarray(recordedHead.length))).toBe(
      true,
    );
    expect(leftovers(folder)).toEqual([`${journal.file}.chain`]);

    const manifest = await recoverAndVerify(folder, file);
    expect(manifest.finished).toEqual(layout);
    expect(readFileSync(file).equals(finished)).toBe(true);
  });

  it('before the finished copy replaced the file: the copy is cleared, the recording recovered as recorded', async () => {
    const { folder, file } = await crashWhileFinishing('before-finishing-rename');
    const name = readManifest(file).file;
    // The whole finished copy was written, hidden beside the file, which is still as recorded.
    const copy = join(folder, `.${name}.finishing`);
    expect(existsSync(copy)).toBe(true);
    expect(readFileSync(copy).length).toBeGreaterThan(RECORDED.length - 1_000);
    expect(readFileSync(file).equals(RECORDED)).toBe(true);
    expect(readManifest(file)).toMatchObject({ status: 'recording', finished: expect.any(Object) });

    const manifest = await recoverAndVerify(folder, file);
    expect(manifest.finished).toBeUndefined();
    expect(manifest.bytes).toBe(RECORDED.length);
    expect(readFileSync(file).equals(RECORDED)).toBe(true);
  });

  it('clears a journal left beside a closed manifest and a finishing copy beside a closed recording; keeps a copy whose recording is gone', async () => {
    const folder = temp.folder();
    const writer = writerFor(folder, { signer: key.signer });
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(1, 2_000));
    const { fileName } = await writer.stop(recordingId);
    const closed = readManifest(join(folder, fileName));
    // Killed after the closed manifest was written, before its journal was removed; and a
    // finishing copy a failed clean-up left.
    writeFileSync(join(folder, `${fileName}.chain`), '{"i":0');
    writeFileSync(join(folder, `.${fileName}.finishing`), 'copy');
    // A copy whose recording was deleted may be all that is left of it.
    writeFileSync(join(folder, '.Gone.webm.finishing'), 'only copy');

    await expect(writerFor(folder, { signer: key.signer }).recoverInterrupted()).resolves.toEqual(
      [],
    );
    expect(leftovers(folder)).toEqual(['.Gone.webm.finishing']);
    expect(readManifest(join(folder, fileName))).toEqual(closed);
  });

  it('leaves the journal and finishing copy of a recording still open in this run', async () => {
    const folder = temp.folder();
    const writer = writerFor(folder, { signer: key.signer });
    const { recordingId } = await writer.start(START);
    await writer.append(recordingId, chunk(1, 2_000));
    const [fileName] = readdirSync(folder).filter((name) => name.endsWith('.webm'));
    writeFileSync(join(folder, `.${fileName}.finishing`), 'being written');

    await expect(writer.recoverInterrupted()).resolves.toEqual([]);
    expect(leftovers(folder).sort()).toEqual([`.${fileName}.finishing`, `${fileName}.chain`]);
    await writer.stop(recordingId);
  });
});
