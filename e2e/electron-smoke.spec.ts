/**
 * The real app, once: Electron launches the built bundle, the advisor signs in against a real
 * server on loopback and reaches the home screen. The other specs run the renderer in Chromium
 * behind the test host; this one proves the Electron shell (app://, preload, IPC, hardened
 * window) carries the same app.
 *
 * Needs the Electron binary (it cannot be downloaded on every machine: then this test skips and
 * says so) and the built app in .vite/ (`npx electron-forge package` writes it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect, _electron } from '@playwright/test';
import { findElectronBinary } from '../build/electron-binary.ts';
import { CSP } from '../main/shell/protocol.ts';
import { PASSWORD, startHarness } from '../server/testing/harness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN_BUNDLE = join(ROOT, '.vite', 'build', 'main.cjs');
const NO_BINARY =
  'No Electron binary on this machine (it cannot be downloaded here); the Electron smoke test runs where one is installed.';

/**
 * The binary `require('electron')` would name, found without requiring it: the package's index
 * starts a download when the binary is missing (and throws when that fails).
 */
function electronBinary(): string | null {
  try {
    const found = findElectronBinary({
      electronDir: join(ROOT, 'node_modules', 'electron'),
      overrideDistPath: process.env.ELECTRON_OVERRIDE_DIST_PATH,
      exists: existsSync,
      readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
    });
    return found.ok ? found.path : null;
  } catch {
    return null;
  }
}

test('the Electron app signs in against a server and reaches the home screen', async () => {
  const executablePath = electronBinary();
  if (executablePath === null) {
    test.skip(true, NO_BINARY);
    return;
  }
  expect(
    existsSync(MAIN_BUNDLE),
    `The app is not built (${MAIN_BUNDLE} is missing): run npx electron-forge package first.`,
  ).toBe(true);

  const server = await startHarness();
  const profile = mkdtempSync(join(tmpdir(), 'rr-electron-smoke-'));
  try {
    await server.addUser('avery', ['Team']);
    const app = await _electron.launch({
      executablePath,
      args: [MAIN_BUNDLE],
      env: {
        ...process.env,
        ADVISOR_USER_DATA_DIR: profile,
        ADVISOR_POLICY_FILE: join(profile, 'no-policy.json'),
      },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(page.url()).toMatch(/^app:\/\/advisor\//);

      // The page has the bridge and nothing of Node or Electron.
      const globals = await page.evaluate(() => {
        const scope = window as unknown as Record<string, unknown>;
        return {
          advisor: typeof scope.advisor,
          require: typeof scope.require,
          process: typeof scope.process,
        };
      });
      expect(globals).toStrictEqual({
        advisor: 'object',
        require: 'undefined',
        process: 'undefined',
      });

      // Served by our app:// handler, under the production CSP.
      const csp = await page.evaluate(() =>
        fetch('/index.html').then((response) => response.headers.get('content-security-policy')),
      );
      expect(csp).toBe(CSP);
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(
        1,
      );

      // As a person would (fixtures.ts has the same steps; not imported, so that this spec loads
      // without the browser test host).
      const serverField = page.getByLabel('Server');
      if (await serverField.isEditable().catch(() => false)) await serverField.fill(server.url);
      await page.getByLabel('Username').fill('avery');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('heading', { name: /Avery Tester/ })).toBeVisible();

      // Sign out, so no token of this test stays in the keychain.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    } finally {
      await app.close();
    }
  } finally {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
