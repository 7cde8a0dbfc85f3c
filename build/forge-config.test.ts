/** forge.config.ts and the three Vite configs, as Forge and Vite load them. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { loadConfigFromFile, type ConfigEnv, type UserConfig } from 'vite';
import { describe, expect, it } from 'vitest';
import forgeConfig from '../forge.config.ts';
import { FUSES } from './fuses.ts';

const root = resolve(import.meta.dirname, '..');
const env: ConfigEnv = { command: 'build', mode: 'production' };

function pluginOf<T>(type: abstract new (...args: never[]) => T): T {
  const plugin = forgeConfig.plugins?.find((candidate) => candidate instanceof type);
  if (!plugin) throw new Error(`forge.config.ts has no ${type.name}`);
  return plugin as T;
}

async function viteConfig(file: string): Promise<UserConfig> {
  const loaded = await loadConfigFromFile(env, resolve(root, file), root, 'silent');
  if (!loaded) throw new Error(`${file} did not load`);
  return loaded.config;
}

/** The `main` electron-builder writes into the packaged package.json. */
async function builderMain(): Promise<unknown> {
  const config = await getConfig(root, null, null);
  return (config.extraMetadata as { main?: unknown } | undefined)?.main;
}

const packageJson = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  main?: string;
};

describe('forge.config.ts', () => {
  it('builds main, preload and renderer with the Vite plugin', () => {
    const vite = pluginOf(VitePlugin);
    expect(vite.config.build).toEqual([
      { entry: { main: 'main/index.ts' }, config: 'vite.main.config.ts', target: 'main' },
      {
        entry: { preload: 'preload/index.ts' },
        config: 'vite.preload.config.ts',
        target: 'preload',
      },
    ]);
    expect(vite.config.renderer).toEqual([
      { name: 'main_window', config: 'vite.renderer.config.ts' },
    ]);
  });

  it('emits the main bundle where electron-builder expects the entry', async () => {
    const [main] = pluginOf(VitePlugin).config.build;
    // Forge names main-process bundles `[name].cjs` in .vite/build.
    expect(`.vite/build/${Object.keys(main!.entry)[0]!}.cjs`).toBe(await builderMain());
  });

  // `electron-forge start` runs package.json's main; skipped until the field is added.
  it.skipIf(packageJson.main === undefined)('package.json main names the same bundle', async () => {
    expect(packageJson.main).toBe(await builderMain());
  });

  it('flips the shared fuse settings', () => {
    expect(pluginOf(FusesPlugin).fusesConfig).toBe(FUSES);
  });

  it('packages only the Vite output, package.json and keytar, with keytar unpacked', () => {
    const { ignore, asar } = forgeConfig.packagerConfig ?? {};
    if (typeof ignore !== 'function') throw new Error('packagerConfig.ignore must be a function');
    const kept = (path: string) => !ignore(path);
    expect(
      ['/.vite/build/main.cjs', '/package.json', '/node_modules/keytar/lib/keytar.js'].every(kept),
    ).toBe(true);
    for (const path of [
      '/main/index.ts',
      '/server/cli.ts',
      '/node_modules/socket.io/package.json',
      '/node_modules/vitest/package.json',
    ]) {
      expect(kept(path), path).toBe(false);
    }
    expect(asar).toEqual({ unpack: '**/{*.node,node_modules/keytar/**}' });
  });
});

describe('Vite configs', () => {
  it('main: keytar and electron stay external; Electron 45 runs Node 22', async () => {
    const { build } = await viteConfig('vite.main.config.ts');
    expect(build?.rolldownOptions?.external).toEqual(
      expect.arrayContaining(['electron', 'keytar']),
    );
    expect(build?.target).toBe('node22');
  });

  it('preload: one CommonJS file, since sandboxed preloads cannot load ES modules', async () => {
    const { build } = await viteConfig('vite.preload.config.ts');
    expect(build?.rolldownOptions?.output).toMatchObject({ format: 'cjs', codeSplitting: false });
    expect(build?.rolldownOptions?.external).toEqual(['electron']);
  });

  it('renderer: root renderer/, React, output in .vite/renderer/main_window', async () => {
    const config = await viteConfig('vite.renderer.config.ts');
    expect(config.root).toBe(resolve(root, 'renderer'));
    expect(config.build?.outDir).toBe(resolve(root, '.vite/renderer/main_window'));
    const plugins = (config.plugins ?? []).flat();
    expect(plugins.some((plugin) => plugin && 'name' in plugin && /react/.test(plugin.name))).toBe(
      true,
    );
  });
});
