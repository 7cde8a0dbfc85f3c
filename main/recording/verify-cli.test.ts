/**
 * The compliance officer's command, run as they would run it: a separate plain Node process (no
 * Electron, no keychain) on real files, judged by what it prints and its exit code.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { START, chunk, createTempFolders, writerFor } from './testing/fixtures.ts';
import { testKey } from './testing/test-keys.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'verify-cli.ts');
const temp = createTempFolders();
afterEach(temp.cleanUp);
const key = testKey('cli');
afterAll(key.remove);

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

async function recording(): Promise<string> {
  const folder = temp.folder();
  const writer = writerFor(folder, { signer: key.signer });
  const { recordingId } = await writer.start(START);
  for (const size of [4_000, 4_000, 1_000])
    await writer.append(recordingId, chunk(size % 251, size));
  return join(folder, (await writer.stop(recordingId)).fileName);
}

describe('npm run verify-recording', () => {
  it('prints valid and exits 0 for an untouched recording; with --key it names the key as given', async () => {
    const path = await recording();
    const keyId = (await key.signer.keyId())!;
    const plain = await verify(path);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /^valid: The recording is as it was made: 9,000 bytes in 3 chunks/,
    );
    expect(plain.stdout).toContain(`\nkey: ${keyId}\n`);
    const keyed = await verify(path, '--key', keyId.slice(0, 20));
    expect(keyed).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('signed by a key you named') as unknown,
    });
  });

  it('prints altered, truncated or unsigned with the reason, and exits 1', async () => {
    const path = await recording();
    const other = 'ab'.repeat(32);
    expect(await verify(path, '--key', other)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^altered: The manifest is signed by a key \(.*\) that is not a key you named/,
      ) as unknown,
    });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 8_000));
    expect(await verify(path)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /^truncated: The file ends 1,000 bytes short of the 9,000 bytes recorded/,
      ) as unknown,
    });
    bytes[10] = 0;
    writeFileSync(path, bytes);
    expect(await verify(`${path}.json`)).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^altered: Chunk 1 of 3 \(bytes 0–3,999\)/) as unknown,
    });
    expect(await verify(join(dirname(path), 'nothing-here.webm'))).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^unsigned: There is no manifest beside this file/) as unknown,
    });
  });

  it('explains its usage and exits 2 when it cannot run', async () => {
    expect(await verify()).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: npm run verify-recording') as unknown,
    });
    expect(await verify('a.webm', '--key', 'not-a-key')).toMatchObject({
      code: 2,
      stderr: '"not-a-key" is not a key id: give 16 to 64 hex digits.\n',
    });
    expect((await verify('--help')).code).toBe(0);
  });

  it('loads nothing of Electron or the keychain, so it runs wherever Node 24 does', () => {
    // Every module the CLI loads, followed through relative imports (type-only ones are erased).
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(
        /^\s*(?:import|export)(?!\s+type\b)[^'"]*?from\s+'([^']+)'/gm,
      )) {
        if (specifier!.startsWith('.')) visit(resolve(dirname(file), specifier!));
        else external.add(specifier!);
      }
    };
    visit(CLI);
    expect(seen.size).toBeGreaterThan(5);
    expect([...external].filter((name) => !name.startsWith('node:')).sort()).toEqual(['zod']);
  });
});
