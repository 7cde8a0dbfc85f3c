/**
 * `npm run verify-recording` with the server's receipts, run as a compliance officer would: a
 * plain Node process with no session, the server's key fetched from the real server
 * (`--server`) or given for an offline check (`--server-key`), judged by what it prints and its
 * exit code.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TokenPair } from '../../shared/protocol/rest.ts';
import { connectCall } from '../../server/testing/calls.ts';
import { startHarness, type Harness } from '../../server/testing/harness.ts';
import type { StoredReceipt } from './receipts-schema.ts';
import { chunk, createTempFolders, witnessOf, writerFor } from './testing/fixtures.ts';
import { resign, withServerReceipts } from './testing/receipts.ts';
import { testKey } from './testing/test-keys.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'verify-cli.ts');
const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('cli-receipts');
let h: Harness;
let avery: TokenPair;
let callId: string;

beforeAll(async () => {
  h = await startHarness();
  await h.addUser('avery', ['Team']);
  await h.addUser('blake', ['Team']);
  const a = await h.connect('avery');
  callId = await connectCall(a, await h.connect('blake'));
  avery = a.tokens;
});
afterAll(async () => {
  await h.close();
  await key.remove();
});

async function verify(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A finished recording with the real server's receipts signed into its manifest. */
async function recording(): Promise<string> {
  const folder = temp.folder();
  const me = { id: avery.user.id, displayName: 'Avery Tester' };
  const writer = writerFor(folder, { signer: key.signer, witness: witnessOf([me], callId) });
  const { recordingId } = await writer.start({
    callId,
    participants: [me],
    mimeType: 'video/webm',
  });
  await writer.append(recordingId, chunk(9, 6_000));
  const path = join(folder, (await writer.stop(recordingId)).fileName);
  await withServerReceipts(path, key.signer, async (body) => {
    const answer = await h.post('/api/recordings/receipts', body, avery.accessToken);
    return answer.body as StoredReceipt;
  });
  return path;
}

describe('npm run verify-recording with the server’s receipts', () => {
  it('--server: fetches the server’s key and says valid, exit 0', async () => {
    const path = await recording();
    const result = await verify(path, '--server', h.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^valid: The recording is as it was made: 6,000 bytes in 1 chunk .* The server’s start and stop receipts vouch for this file \(key [0-9a-f]{16}…\)\.\n/,
    );
    expect(result.stdout).not.toContain('server receipts: not checked');
    // Without a server option the receipts are not judged, and the output says so.
    expect((await verify(path)).stdout).toContain('server receipts: not checked');
  });

  it('--server-key: checks offline with the key as the admin command prints it, or as base64', async () => {
    const path = await recording();
    const served = (await h.get('/api/recordings/receipt-key')).body as { publicKey: string };
    const keyFile = join(dirname(temp.folder()), 'receipt-key.json');
    writeFileSync(keyFile, JSON.stringify(served, null, 2));
    expect(await verify(path, '--server-key', keyFile)).toMatchObject({ code: 0 });
    expect(await verify(path, '--server-key', served.publicKey)).toMatchObject({ code: 0 });
    // Another key: these receipts are not that server's.
    const other = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64');
    expect(await verify(path, '--server-key', other)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^not-known-to-server: The start receipt names another signing key \([0-9a-f]{16}…\) than the server’s/,
      ) as unknown,
    });
  });

  it('says not known to the server for a manifest without receipts, and that the file is intact', async () => {
    const path = await recording();
    // A server that cannot be reached cannot vouch either.
    expect(await verify(path, '--server', 'http://127.0.0.1:1')).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^not-known-to-server: The server’s receipt key could not be had \(Cannot reach the server at http:\/\/127\.0\.0\.1:1\./,
      ) as unknown,
    });
    await resign(path, key.signer, undefined);
    expect(await verify(path, '--server', h.url)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^not-known-to-server: The manifest holds no receipt from the server: .* The file itself is intact: 6,000 bytes in 1 chunk match/,
      ) as unknown,
    });
  });

  it('refuses options it cannot use, exit 2', async () => {
    expect(await verify('a.webm', '--server', h.url, '--server-key', 'AAAA')).toMatchObject({
      code: 2,
      stderr: 'Give --server or --server-key, not both.\n',
    });
    expect(await verify('a.webm', '--server-key', 'not a key!')).toMatchObject({
      code: 2,
      stderr:
        'The server key given with --server-key cannot be used: That is neither a key file nor base64 key text.\n',
    });
    expect(await verify('a.webm', '--server', 'ftp://x')).toMatchObject({ code: 2 });
  });
});
