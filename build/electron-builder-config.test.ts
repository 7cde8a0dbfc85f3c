/**
 * electron-builder.yml, checked offline by electron-builder's own loader and schema validator
 * (the same code `electron-builder` runs first), plus the promises IT relies on: fuses,
 * entitlements, usage strings, keytar unpacked, signing only from the environment.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FuseV1Options } from '@electron/fuses';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { AfterPackContext } from 'electron-builder';
import { LinuxPackager } from 'app-builder-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDER_FUSES, FUSES, readBuilderFuses } from './fuses.ts';
import { expectedFuses, readFuses, writeFakeElectronBinary } from './testing/fake-electron.ts';

const root = resolve(import.meta.dirname, '..');
let yml: string;
let config: Configuration;
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rr-builder-'));
  temps.push(dir);
  return dir;
}

const validate = (candidate: Configuration) =>
  validateConfiguration(candidate, new DebugLogger(false));

/** Loads a project's electron-builder.yml the way electron-builder does. */
const load = (projectDir: string) => getConfig(projectDir, null, null);

beforeAll(async () => {
  yml = await readFile(join(root, 'electron-builder.yml'), 'utf8');
  config = await load(root);
});
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('electron-builder.yml against electron-builder’s schema', () => {
  it('is valid', async () => {
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('the validator does reject a broken config', async () => {
    await expect(validate({ ...config, asar: 'yes' as unknown as boolean })).rejects.toThrow(
      /asar/,
    );
    await expect(validate({ ...config, autoUpdate: true } as Configuration)).rejects.toThrow(
      /autoUpdate/,
    );
  });

  it('a broken file fails the whole load-and-validate path', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    await writeFile(join(dir, 'electron-builder.yml'), `${yml}\nnsis:\n  oneClik: false\n`);
    // A duplicate key is a YAML error; a typo'd key under a valid one is a schema error.
    await expect(load(dir).then(validate)).rejects.toThrow();
    await writeFile(
      join(dir, 'electron-builder.yml'),
      yml.replace('  oneClick: false', '  oneClik: false'),
    );
    await expect(load(dir).then(validate)).rejects.toThrow(/configuration\.nsis/);
  });
});

describe('what gets packed', () => {
  it('identifies the app', () => {
    expect(config.appId).toBe('com.richesreach.advisor');
    expect(config.productName).toBe('RichesReach Advisor');
    expect(config.directories).toEqual({ output: 'dist', buildResources: 'build' });
  });

  it('packs the Vite output in an asar, keytar unpacked beside it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['**/node_modules/keytar/**', '**/*.node']),
    );
    // electron-builder normalises `files` into file sets.
    expect(config.files).toEqual([
      {
        filter: expect.arrayContaining([
          'package.json',
          '.vite/build/**',
          '.vite/renderer/**',
          '!**/*.map',
          '!**/node_modules/!(keytar){,/**}',
        ]),
      },
    ]);
    expect(config.extraMetadata).toEqual({ main: '.vite/build/main.cjs' });
  });
});

describe('fuses', () => {
  /** The security baseline (design.md), written out here on purpose rather than read from anywhere. */
  const REQUIRED = {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  };

  it('electron-builder flips every fuse itself, as the baseline requires', () => {
    expect(config.electronFuses).toStrictEqual({ ...REQUIRED, resetAdHocDarwinSignature: true });
    // Every key electron-builder knows is set: none is left to Electron's default.
    expect(Object.keys(BUILDER_FUSES).sort()).toEqual(Object.keys(REQUIRED).sort());
  });

  it('no afterPack hook: the fuses are electron-builder’s own step, before it signs', () => {
    expect(config.afterPack).toBeUndefined();
    expect(yml).not.toMatch(/after-?pack/i);
  });

  it('the validator rejects a fuse key it does not know', async () => {
    await expect(
      validate({
        ...config,
        electronFuses: { ...config.electronFuses, runAsNodeX: false },
      } as Configuration),
    ).rejects.toThrow(/electronFuses/);
  });

  it('build/fuses.ts reads the block exactly as electron-builder’s loader does', () => {
    expect(readBuilderFuses(yml)).toStrictEqual(config.electronFuses);
  });

  it('Forge’s fuses plugin gets the same values, strictly', () => {
    expect(FUSES).toMatchObject({
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      [FuseV1Options.WasmTrapHandlers]: true,
    });
  });

  it('a block with a fuse missing or a value that is not a boolean is refused', () => {
    expect(() => readBuilderFuses(yml.replace(/^ {2}runAsNode: false\n/m, ''))).toThrow(
      /runAsNode not set/,
    );
    expect(() =>
      readBuilderFuses(yml.replace('  onlyLoadAppFromAsar: true', '  onlyLoadAppFromAsar: yes')),
    ).toThrow(/onlyLoadAppFromAsar: yes/);
    expect(() => readBuilderFuses('appId: x\n')).toThrow(/no top-level electronFuses/);
  });

  it('electron-builder’s fuse step flips them in a binary', async () => {
    const appOutDir = await tempDir();
    const binary = join(appOutDir, 'richesreach-advisor');
    await writeFakeElectronBinary(binary);
    expect(await readFuses(binary)).not.toEqual(expectedFuses(FUSES));
    // The code electron-builder runs after packing and before signing (platformPackager).
    const packager = Object.create(LinuxPackager.prototype) as {
      doAddElectronFuses(context: AfterPackContext): Promise<void>;
    };
    Object.defineProperty(packager, 'executableName', { value: 'richesreach-advisor' });
    Object.defineProperty(packager, 'config', { value: config });
    await packager.doAddElectronFuses({
      appOutDir,
      electronPlatformName: 'linux',
    } as unknown as AfterPackContext);
    expect(await readFuses(binary)).toEqual(expectedFuses(FUSES));
  });
});

describe('macOS', () => {
  it('signs with the hardened runtime and the narrow entitlements', () => {
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      gatekeeperAssess: false,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
      notarize: true,
    });
  });

  it('entitlements.mac.plist grants exactly JIT, camera and microphone', async () => {
    const plist = await readFile(join(root, 'build/entitlements.mac.plist'), 'utf8');
    expect(parseBooleanPlist(plist)).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.device.camera': true,
      'com.apple.security.device.audio-input': true,
    });
  });

  it('explains camera, microphone and screen use in plain words', () => {
    const info = config.mac?.extendInfo as Record<string, unknown>;
    for (const key of [
      'NSCameraUsageDescription',
      'NSMicrophoneUsageDescription',
      'NSScreenCaptureUsageDescription',
    ]) {
      expect(info[key], key).toMatch(/^RichesReach Advisor .{20,}\.$/);
    }
  });

  it('builds dmg and zip for Apple silicon and Intel', () => {
    expect(config.mac?.target).toEqual([
      { target: 'dmg', arch: ['arm64', 'x64'] },
      { target: 'zip', arch: ['arm64', 'x64'] },
    ]);
  });
});

describe('Windows', () => {
  it('builds NSIS and MSI for x64 and arm64', () => {
    expect(config.win?.target).toEqual([
      { target: 'nsis', arch: ['x64', 'arm64'] },
      { target: 'msi', arch: ['x64', 'arm64'] },
    ]);
  });

  it('NSIS installs per user by default and lets IT choose per machine', () => {
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowElevation: true,
      allowToChangeInstallationDirectory: true,
    });
  });
});

describe('signing and updates come from the environment', () => {
  it('no certificate, password or key is written in the file', () => {
    expect(secretLikeKeys(config)).toEqual([]);
    expect(yml).not.toMatch(/\.(p12|pfx|p8|pem|key)\b/i);
    expect(yml).not.toMatch(/password\s*:/i);
  });

  it('the secret-key check does catch a certificate setting', () => {
    expect(
      secretLikeKeys({ win: { signtoolOptions: { certificatePassword: 'hunter2' } } }),
    ).toEqual(['win.signtoolOptions.certificatePassword']);
  });

  it('publishes to the generic server IT names in RICHESREACH_UPDATE_URL', () => {
    expect(config.publish).toEqual({
      provider: 'generic',
      url: '${env.RICHESREACH_UPDATE_URL}',
    });
  });
});

/** Keys that would hold a signing secret or its location, anywhere in the config. */
function secretLikeKeys(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const here = path ? `${path}.${key}` : key;
    const own =
      /password|certificateFile|certificateSubjectName|certificateSha1|cscLink|cscKey|apiKey|secret|appleId|identity/i.test(
        key,
      )
        ? [here]
        : [];
    return [...own, ...secretLikeKeys(child, here)];
  });
}

/** A plist whose root dict holds only `<key>…</key><true/>|<false/>` pairs; anything else throws. */
function parseBooleanPlist(xml: string): Record<string, boolean> {
  const dict = /<plist version="1\.0">\s*<dict>([\s\S]*)<\/dict>\s*<\/plist>/.exec(xml)?.[1];
  if (dict === undefined) throw new Error('no root <dict>');
  const pairs = /^\s*<key>([^<]+)<\/key>\s*<(true|false)\/>/;
  const result: Record<string, boolean> = {};
  let rest = dict;
  for (let match = pairs.exec(rest); match; match = pairs.exec(rest)) {
    result[match[1]!] = match[2] === 'true';
    rest = rest.slice(match[0].length);
  }
  if (rest.trim() !== '') throw new Error(`unexpected plist content: ${rest.trim().slice(0, 60)}`);
  return result;
}
