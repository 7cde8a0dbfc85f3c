/** The process boundaries of design.md are enforced by lint: a forbidden import must fail. */
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
  ];
  it.each(forbidden)('%s may not %s', async (file, code) => {
    expect(await importErrors(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  const allowed: [string, string][] = [
    ['renderer/probe.ts', "import { LIMITS } from '../shared/protocol/limits.ts';"],
    ['main/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['server/probe.ts', "import { LIMITS } from '../shared/protocol/limits.ts';"],
    ['preload/probe.ts', "import { contextBridge } from 'electron';"],
  ];
  it.each(allowed)('%s may %s', async (file, code) => {
    expect(await importErrors(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
