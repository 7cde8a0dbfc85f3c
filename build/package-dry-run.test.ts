/**
 * A packaging dry run: Forge's own Vite build of main, preload and renderer, then
 * `electron-builder --dir` against a stand-in Electron (no binary can be downloaded here), then a
 * look inside the app.asar it produced. Catches what `files`, `asarUnpack`, the Vite externals and
 * the `electronFuses` step really do, not what they look like they do.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { Visitor, parseSync } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT as root, buildTargets, cleanBuildOutput, runViteBuild } from './build-app.ts';
import { FUSES } from './fuses.ts';
import { expectedFuses, readFuses, writeFakeElectronDist } from './testing/fake-electron.ts';

const UPDATE_URL = 'https://updates.example.invalid/advisor';

/** Every build target: an entry file that went missing must fail this test, not skip it. */
const targets = buildTargets();

let temp: string;
let appOutDir: string;
let asarPath: string;
let files: string[];

function runElectronBuilder(args: string[]): Promise<void> {
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('electron-builder/package.json')),
    'cli.js',
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', RICHESREACH_UPDATE_URL: UPDATE_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`electron-builder exited ${code ?? 'by signal'}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  // The same build `npm run build:app` runs.
  await cleanBuildOutput();
  await Promise.all(targets.map((target) => runViteBuild(target)));

  temp = await mkdtemp(join(tmpdir(), 'rr-package-'));
  const electronDist = join(temp, 'electron-dist');
  await writeFakeElectronDist(electronDist);
  await runElectronBuilder([
    '--linux',
    '--dir',
    '--publish=never',
    // keytar cannot be rebuilt against Electron's headers offline; release builds do that.
    '--config.npmRebuild=false',
    `--config.electronDist=${electronDist}`,
    `--config.directories.output=${join(temp, 'dist')}`,
  ]);
  appOutDir = join(temp, 'dist', 'linux-unpacked');
  asarPath = join(appOutDir, 'resources', 'app.asar');
  files = listPackage(asarPath, { isPack: false }).map((file) => file.replaceAll('\\', '/'));
}, 180_000);

afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

/** Bare module names a CommonJS bundle really `require`s (string literals in calls, not in code strings). */
function requiredModules(code: string): Set<string> {
  const found = new Set<string>();
  const { program } = parseSync('bundle.cjs', code);
  new Visitor({
    CallExpression(node) {
      const [argument] = node.arguments;
      if (
        node.callee.type === 'Identifier' &&
        node.callee.name === 'require' &&
        argument?.type === 'Literal' &&
        typeof argument.value === 'string'
      ) {
        found.add(argument.value);
      }
    },
  }).visit(program);
  return found;
}

const topLevelModules = () =>
  files
    .filter((file) => /^\/node_modules\/[^/]+$/.test(file))
    .map((file) => file.slice('/node_modules/'.length));

describe('electron-builder --dir with the real config', () => {
  it('packs package.json with the Vite bundle as the entry', () => {
    const packageJson = JSON.parse(extractFile(asarPath, 'package.json').toString()) as {
      main: string;
    };
    expect(packageJson.main).toBe('.vite/build/main.cjs');
  });

  it('packs the main bundle', () => {
    expect(files).toContain('/.vite/build/main.cjs');
  });

  it('packs the preload bundle', () => {
    expect(files).toContain('/.vite/build/preload.cjs');
  });

  it('packs the renderer', () => {
    expect(files).toContain('/.vite/renderer/main_window/index.html');
    expect(
      files.some((file) => /^\/\.vite\/renderer\/main_window\/assets\/.+\.js$/.test(file)),
    ).toBe(true);
  });

  it('ships keytar, unpacked, and no other module from node_modules', async () => {
    expect(topLevelModules()).toEqual(['keytar']);
    expect(statFile(asarPath, 'node_modules/keytar/build/Release/keytar.node')).toMatchObject({
      unpacked: true,
    });
    const unpacked = join(appOutDir, 'resources/app.asar.unpacked/node_modules/keytar');
    expect(await readdir(join(unpacked, 'build/Release'))).toContain('keytar.node');
    expect(existsSync(join(unpacked, 'lib/keytar.js'))).toBe(true);
  });

  it('ships no development or server-only packages', () => {
    for (const name of [
      'vitest',
      'typescript',
      'eslint',
      '@playwright',
      'socket.io',
      'jose',
      'vite',
    ]) {
      expect(files.filter((file) => file.startsWith(`/node_modules/${name}/`))).toEqual([]);
    }
  });

  it('ships no sources, tests, source maps or repo folders', () => {
    const leaks = files.filter(
      (file) =>
        /\.(ts|tsx|mts|cts|map)$/.test(file) ||
        /\.test\./.test(file) ||
        /^\/(server|e2e|bench|scripts|shared|main|preload|renderer|build|docs|node_modules\/\.bin)(\/|$)/.test(
          file,
        ),
    );
    expect(leaks).toEqual([]);
  });

  it('everything the main bundle requires is built in, Electron, or in the package', async () => {
    const code = await readFile(join(root, '.vite/build/main.cjs'), 'utf8');
    const packed = new Set(topLevelModules());
    const missing = [...requiredModules(code)].filter(
      (name) =>
        !name.startsWith('node:') &&
        !builtinModules.includes(name) &&
        !['electron', 'electron/main', 'electron/common'].includes(name) &&
        !name.startsWith('./') &&
        !packed.has(
          name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!,
        ),
    );
    expect(missing).toEqual([]);
    expect(requiredModules(code)).toContain('keytar');
  });

  it('the sandboxed preload requires nothing but electron', async () => {
    const code = await readFile(join(root, '.vite/build/preload.cjs'), 'utf8');
    expect([...requiredModules(code)]).toEqual(['electron']);
  });

  it('electron-builder flipped the fuses (electronFuses) in the packed binary', async () => {
    expect(await readFuses(join(appOutDir, 'richesreach-advisor'))).toEqual(expectedFuses(FUSES));
  });

  it('writes the update feed for electron-updater', async () => {
    const feed = await readFile(join(appOutDir, 'resources/app-update.yml'), 'utf8');
    expect(feed).toContain('provider: generic');
    expect(feed).toContain(`url: ${UPDATE_URL}`);
  });
});
