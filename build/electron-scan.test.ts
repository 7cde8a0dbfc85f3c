/**
 * Electronegativity on main/ and preload/ as `npm run scan:electron` runs it, plus proof that the
 * scan is not empty: a window built the old way (webPreferences from a helper) is flagged.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REVIEWED,
  ROOT,
  blocking,
  isReviewed,
  scanElectron,
  scanTree,
  stageSources,
  type ScanResult,
} from './electron-scan.ts';

let result: ScanResult;
const temps: string[] = [];

beforeAll(async () => {
  result = await scanElectron();
});
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function staged(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rr-scan-test-'));
  temps.push(dir);
  await stageSources(ROOT, dir);
  return dir;
}

describe('Electronegativity on the Electron sources', () => {
  it('finds no high or medium issue that is not reviewed', () => {
    expect(blocking(result)).toEqual([]);
  });

  it('parsed every file (a file it skips is a file it did not check)', () => {
    expect(result.errors).toEqual([]);
  });

  it('still sees each reviewed finding (no stale exception)', () => {
    for (const entry of REVIEWED) {
      expect(
        result.findings.filter((f) => isReviewed(f) && f.file === entry.file && f.id === entry.id),
        `${entry.id} in ${entry.file}`,
      ).toHaveLength(1);
    }
  });

  it('scans only what ships: no tests, no test helpers', async () => {
    const dir = await staged();
    const files = await readdir(dir, { recursive: true });
    expect(files).toContain(join('main', 'shell', 'window.ts'));
    expect(files).toContain(join('preload', 'index.ts'));
    expect(files.filter((file) => /\.test\.ts$|[\\/]testing([\\/]|$)/.test(file))).toEqual([]);
  });

  it('flags a window whose webPreferences it cannot read, an unreviewed openExternal and a file it cannot parse', async () => {
    const dir = await staged();
    await writeFile(
      join(dir, 'main', 'shell', 'window.ts'),
      [
        "import { BrowserWindow, shell } from 'electron';",
        'const prefs = (preload: string) => ({ preload, contextIsolation: true, sandbox: true });',
        'export const open = (preload: string) => new BrowserWindow({ webPreferences: prefs(preload) });',
        'export const visit = (url: string) => shell.openExternal(url);',
      ].join('\n'),
    );
    await writeFile(join(dir, 'main', 'broken.ts'), 'const x = {;\n');
    const planted = await scanTree(dir);
    const ids = blocking(planted).map((f) => `${f.severity} ${f.id}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'HIGH CONTEXT_ISOLATION_JS_CHECK',
        'MEDIUM SANDBOX_JS_CHECK',
        'MEDIUM OPEN_EXTERNAL_JS_CHECK',
      ]),
    );
    expect(planted.errors.map((e) => e.file)).toEqual([join('main', 'broken.ts')]);
  });
});
