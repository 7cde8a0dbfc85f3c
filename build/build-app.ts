/**
 * `npm run build:app`: the production Vite builds of main, preload and renderer into `.vite/`, exactly
 * as `electron-forge package` runs them (Forge's own build worker, the configs from forge.config.ts),
 * without packaging. electron-builder then packs `.vite/` (`npm run dist`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VitePlugin } from '@electron-forge/plugin-vite';
import forgeConfig from '../forge.config.ts';

export const ROOT = resolve(import.meta.dirname, '..');

export interface BuildTarget {
  name: 'main' | 'preload' | 'renderer';
  kind: 'build' | 'renderer';
  index: number;
  /** The source file the target starts from, relative to the repo. */
  entry: string;
}

function vitePluginConfig() {
  const vite = forgeConfig.plugins?.find((plugin) => plugin instanceof VitePlugin);
  if (!vite) throw new Error('forge.config.ts has no VitePlugin');
  return { build: vite.config.build, renderer: vite.config.renderer };
}

export function buildTargets(): BuildTarget[] {
  const { build } = vitePluginConfig();
  const targets = build.map((spec, index): BuildTarget => {
    const entry = typeof spec.entry === 'object' && !Array.isArray(spec.entry) ? spec.entry : {};
    const [name, file] = Object.entries(entry)[0] ?? [];
    if ((name !== 'main' && name !== 'preload') || !file) {
      throw new Error(`forge.config.ts build[${index}] needs an entry named main or preload`);
    }
    return { name, kind: 'build', index, entry: file };
  });
  // vite.renderer.config.ts has root renderer/, where Vite starts from index.html.
  return [
    ...targets,
    { name: 'renderer', kind: 'renderer', index: 0, entry: 'renderer/index.html' },
  ];
}

/** One target through Forge's build worker (a child process, as `electron-forge package` does). */
export function runViteBuild(target: BuildTarget, root = ROOT): Promise<void> {
  const require = createRequire(import.meta.url);
  const worker = join(
    dirname(require.resolve('@electron-forge/plugin-vite')),
    'subprocess-worker.js',
  );
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [worker], {
      cwd: root,
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        FORGE_VITE_PROJECT_DIR: root,
        FORGE_VITE_KIND: target.kind,
        FORGE_VITE_INDEX: String(target.index),
        FORGE_VITE_CONFIG: JSON.stringify(vitePluginConfig()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`Building ${target.name} (${target.entry}) failed:\n${output}`));
    });
  });
}

/** Like Forge's prePackage: start from an empty .vite so no stale bundle gets packed. */
export async function cleanBuildOutput(root = ROOT): Promise<void> {
  await rm(join(root, '.vite'), { recursive: true, force: true });
}

async function main(): Promise<void> {
  const targets = buildTargets();
  const missing = targets.filter((target) => !existsSync(join(ROOT, target.entry)));
  if (missing.length > 0) {
    throw new Error(
      `Cannot build the app: ${missing.map((target) => target.entry).join(', ')} missing.`,
    );
  }
  await cleanBuildOutput();
  await Promise.all(targets.map((target) => runViteBuild(target)));
  console.log(`Built ${targets.map((target) => target.name).join(', ')} into .vite/`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
