import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MISSING_BINARY_MESSAGE, findElectronBinary } from './electron-binary.ts';

const electronDir = '/repo/node_modules/electron';

/** An in-memory file system: path → text. */
function probe(files: Record<string, string>, overrideDistPath?: string) {
  return findElectronBinary({
    electronDir,
    overrideDistPath,
    exists: (path) => path in files,
    readText: (path) => files[path],
  });
}

const installedPackage = { [join(electronDir, 'package.json')]: '{}' };

describe('findElectronBinary', () => {
  it('finds the binary that path.txt names in dist/', () => {
    const binary = join(electronDir, 'dist', 'electron');
    expect(
      probe({ ...installedPackage, [join(electronDir, 'path.txt')]: 'electron', [binary]: '' }),
    ).toEqual({ ok: true, path: binary });
  });

  it('says the binary is missing when the download never happened (no path.txt)', () => {
    expect(probe(installedPackage)).toEqual({ ok: false, message: MISSING_BINARY_MESSAGE });
  });

  it('says the binary is missing when path.txt names a file that is gone', () => {
    expect(probe({ ...installedPackage, [join(electronDir, 'path.txt')]: 'electron' })).toEqual({
      ok: false,
      message: MISSING_BINARY_MESSAGE,
    });
  });

  it('uses ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const binary = join('/opt/electron-45', 'Electron.app/Contents/MacOS/Electron');
    expect(
      probe(
        {
          ...installedPackage,
          [join(electronDir, 'path.txt')]: 'Electron.app/Contents/MacOS/Electron\n',
          [binary]: '',
        },
        '/opt/electron-45',
      ),
    ).toEqual({ ok: true, path: binary });
    expect(
      probe({ ...installedPackage, '/opt/electron-45/electron': '' }, '/opt/electron-45'),
    ).toEqual({ ok: true, path: '/opt/electron-45/electron' });
  });

  it('names the override when it points at nothing', () => {
    const result = probe(installedPackage, '/opt/nothing-here');
    expect(result).toEqual({
      ok: false,
      message:
        'ELECTRON_OVERRIDE_DIST_PATH is set to /opt/nothing-here, but there is no Electron binary at /opt/nothing-here/electron.',
    });
  });

  it('asks for npm ci when the electron package itself is missing', () => {
    expect(probe({})).toEqual({
      ok: false,
      message: 'npm start needs the electron package, which is not installed: run npm ci first.',
    });
  });

  it('the missing-binary message is one line that says how to get going', () => {
    expect(MISSING_BINARY_MESSAGE).not.toContain('\n');
    expect(MISSING_BINARY_MESSAGE).toContain('npx electron --version');
    expect(MISSING_BINARY_MESSAGE).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(MISSING_BINARY_MESSAGE).toContain('npm run server -- --demo');
  });
});

describe('node build/dev-start.ts without a usable Electron', () => {
  it('prints one line, no stack trace, exits 1 and starts nothing', () => {
    const root = resolve(import.meta.dirname, '..');
    // An override that points nowhere fails the same way on every machine, Electron installed or not.
    const run = spawnSync(process.execPath, ['build/dev-start.ts'], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent/electron-dist' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'ELECTRON_OVERRIDE_DIST_PATH is set to /nonexistent/electron-dist, but there is no Electron binary at /nonexistent/electron-dist/electron.',
    ]);
  });
});
