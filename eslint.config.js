// One lint config for the whole repo. The per-folder import restrictions below are the
// process boundaries of design.md: who may import electron, node:* and which other folder.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'Node built-ins are not allowed here.' };
const electron = { group: ['electron', 'electron/*'], message: 'electron is not allowed here.' };
const folder = (name) => ({
  group: [`**/${name}/*`, `**/${name}`],
  message: `Importing from ${name}/ crosses a process boundary.`,
});

const rendererBase = [nodeBuiltins, electron, ...['main', 'preload', 'server'].map(folder)];
/** renderer/bridge.ts however it is spelled ('../bridge.ts', '../bridge'), not shared/bridge/. */
const advisorBridge = {
  regex: '(^|/)bridge(\\.tsx?)?$',
  message: 'The guest page has no window.advisor: use renderer/guest/guest-bridge.ts.',
};

/** Restricts imports for one folder; type-only imports count too. */
const restrict = (files, patterns, extra = {}) => ({
  files,
  ...extra,
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      'out/**',
      'dist/**',
      '.vite/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.e2e.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: false, projectService: false },
    },
  },
  {
    files: ['**/*.test.ts', '**/*.spec.ts', 'e2e/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // expect.objectContaining() and friends are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  restrict(
    ['shared/**'],
    [nodeBuiltins, electron, ...['main', 'preload', 'renderer', 'server'].map(folder)],
  ),
  restrict(['renderer/**'], rendererBase),
  // The call engine serves the app and the guest page alike: it knows neither.
  restrict(['renderer/call/**'], [...rendererBase, ...['app', 'guest'].map(folder)]),
  // The guest page is a plain browser page: window.advisor (renderer/bridge.ts) is not there.
  restrict(['renderer/guest/**'], [...rendererBase, advisorBridge], {
    ignores: ['renderer/guest/**/*.test.ts'],
  }),
  // Its tests run the guest bridge against the real server through its test harness.
  restrict(['renderer/guest/**/*.test.ts'], [electron, advisorBridge]),
  restrict(['preload/**'], [nodeBuiltins, ...['main', 'renderer', 'server'].map(folder)]),
  restrict(['main/**'], [...['preload', 'renderer', 'server'].map(folder)], {
    ignores: ['main/**/*.test.ts'],
  }),
  // main's integration tests start the real server through its test harness.
  restrict(['main/**/*.test.ts'], [...['preload', 'renderer'].map(folder)]),
  restrict(['server/**'], [electron, ...['main', 'preload', 'renderer'].map(folder)]),
);
