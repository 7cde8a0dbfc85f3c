/** The process boundaries of design.md are enforced by lint: a forbidden import must fail. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The repo's own config, minus type information: the probe files below exist only in memory.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: [
    {
      files: ['**/*.ts'],
      ...tseslint.configs.disableTypeChecked,
      languageOptions: { parserOptions: { project: false, projectService: false } },
    },
  ],
});

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('import boundaries', () => {
  const forbidden: [string, string][] = [
    ['renderer/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['renderer/probe.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/probe.ts', "import type { AccountStore } from '../server/storage/store.ts';"],
    ['shared/probe.ts', "import { join } from 'node:path';"],
    ['shared/probe.ts', "import { app } from 'electron';"],
    ['preload/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['preload/probe.ts', "import { x } from '../main/x.ts';"],
    ['server/probe.ts', "import { app } from 'electron';"],
    ['server/probe.ts', "import { x } from '../main/x.ts';"],
    ['main/probe.ts', "import { x } from '../renderer/x.ts';"],
    ['renderer/guest/probe.ts', "import { advisor } from '../bridge.ts';"],
    ['renderer/guest/probe.ts', "import { advisor } from '../bridge';"],
    ['renderer/guest/probe.ts', "import { advisor } from '../../renderer/bridge.ts';"],
    ['renderer/guest/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['renderer/guest/probe.ts', "import type { Harness } from '../../server/testing/harness.ts';"],
    ['renderer/guest/probe.test.ts', "import { advisor } from '../bridge.ts';"],
    ['renderer/call/probe.ts', "import { App } from '../app/app.tsx';"],
    ['renderer/call/probe.ts', "import { useEngine } from '../app/hooks/use-engine.ts';"],
    ['renderer/call/probe.ts', "import { x } from '../guest/guest-bridge.ts';"],
    ['renderer/call/probe.ts', "import { readFileSync } from 'node:fs';"],
  ];
  it.each(forbidden)('%s may not %s', async (file, code) => {
    expect(await importErrors(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  const allowed: [string, string][] = [
    ['renderer/probe.ts', "import { LIMITS } from '../shared/protocol/limits.ts';"],
    ['main/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['server/probe.ts', "import { LIMITS } from '../shared/protocol/limits.ts';"],
    ['preload/probe.ts', "import { contextBridge } from 'electron';"],
    ['renderer/guest/probe.ts', "import { createCallEngine } from '../call/engine.ts';"],
    ['renderer/guest/probe.ts', "import type { CallBridge } from '../call/call-bridge.ts';"],
    ['renderer/guest/probe.ts', "import { CallStage } from '../app/call-stage.tsx';"],
    [
      'renderer/guest/probe.ts',
      "import type { IncomingSignal } from '../../shared/bridge/contract.ts';",
    ],
    ['renderer/guest/probe.ts', "import { LINK_INVALID } from '../../shared/protocol/guest.ts';"],
    [
      'renderer/guest/probe.test.ts',
      "import { startHarness } from '../../server/testing/harness.ts';",
    ],
    ['renderer/call/probe.ts', "import { LINK_INVALID } from '../../shared/protocol/guest.ts';"],
    ['renderer/app/probe.ts', "import { advisor } from '../bridge.ts';"],
  ];
  it.each(allowed)('%s may %s', async (file, code) => {
    expect(await importErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});

/** The relative imports of a source file (import and export … from, static only). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found = source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]/gm);
  const bare = source.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm);
  return [...found, ...bare].map((match) => resolve(dirname(file), match[1] ?? ''));
}

describe('the guest page', () => {
  it('reaches no window.advisor through anything it imports, directly or not', () => {
    const root = resolve(import.meta.dirname, '..');
    const entry = join(root, 'renderer', 'guest', 'main.tsx');
    const seen = new Set<string>([entry]);
    const queue = [entry];
    for (let file = queue.shift(); file; file = queue.shift()) {
      for (const next of importsOf(file)) {
        if (seen.has(next) || !existsSync(next) || !/\.tsx?$/.test(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    const reached = [...seen].map((file) => relative(root, file));
    // The walk works: it reached the engine and the app components the page uses.
    expect(reached).toContain(join('renderer', 'call', 'engine.ts'));
    expect(reached).toContain(join('renderer', 'app', 'call-stage.tsx'));
    expect(reached).not.toContain(join('renderer', 'bridge.ts'));
  });
});
