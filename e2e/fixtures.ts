/**
 * The reusable test host: a real server on a random loopback port, the renderer as built for the
 * app, and per advisor a browser context whose `window.advisor` reaches main's real services
 * (session, keychain vault, settings, recording writer, signaling) running in this process.
 *
 *   const avery = await app.launch('avery', { signedIn: true });
 *   await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import type { ServerConfig } from '../server/config.ts';
import { PASSWORD, startHarness, type Harness } from '../server/testing/harness.ts';
import { launchAdvisor, type Advisor, type AdvisorOptions } from './host/advisor.ts';
import { RENDERER_OUT } from './host/renderer-build.ts';
import { serveRenderer } from './host/static-server.ts';
import { waitForDecodedFrames } from './media.ts';

export interface AppFactory {
  /** Opens the app for this user (made on the server in circle "Team" unless it exists). */
  launch(
    username: string,
    options?: Omit<AdvisorOptions, 'serverUrl' | 'rendererOrigin' | 'username'>,
  ): Promise<Advisor>;
}

export const test = base.extend<
  { server: Harness; app: AppFactory; serverConfig: Partial<ServerConfig> },
  { renderer: { origin: string } }
>({
  /** Per-test server settings: `test.use({ serverConfig: {...} })`. */
  serverConfig: [{}, { option: true }],
  renderer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const served = await serveRenderer(RENDERER_OUT);
      await use(served);
      await served.close();
    },
    { scope: 'worker' },
  ],
  server: async ({ serverConfig }, use) => {
    const harness = await startHarness({
      ringTimeoutMs: 8_000,
      disconnectGraceMs: 60_000,
      ...serverConfig,
    });
    await use(harness);
    await harness.close();
  },
  app: async ({ browser, server, renderer }, use) => {
    const launched: Advisor[] = [];
    await use({
      async launch(username, options = {}) {
        if (!(await server.store.userByUsername(username)))
          await server.addUser(username, ['Team']);
        const advisor = await launchAdvisor(browser, {
          ...options,
          username,
          serverUrl: server.url,
          rendererOrigin: renderer.origin,
        });
        launched.push(advisor);
        return advisor;
      },
    });
    for (const advisor of launched) await advisor.close();
  },
});

export { expect, PASSWORD };

/** Avery clicks "Call Blake Tester" and Blake answers the incoming-call dialog. */
export async function averyCallsBlake(avery: Advisor, blake: Advisor): Promise<void> {
  await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
  await blake.page
    .getByRole('dialog', { name: /Incoming call from/ })
    .getByRole('button', { name: 'Answer' })
    .click();
}

/**
 * Avery calls Blake, Blake answers, and both decode the other's video. Options (a policy, say)
 * apply to each advisor as given.
 */
export async function connected(
  app: AppFactory,
  policy?: unknown,
  blakeOptions: Parameters<AppFactory['launch']>[1] = {},
): Promise<{ avery: Advisor; blake: Advisor }> {
  const avery = await app.launch('avery', { signedIn: true, ...(policy ? { policy } : {}) });
  const blake = await app.launch('blake', { signedIn: true, ...blakeOptions });
  await averyCallsBlake(avery, blake);
  await waitForDecodedFrames(avery.page, "Blake Tester's video", 10);
  await waitForDecodedFrames(blake.page, "Avery Tester's video", 10);
  return { avery, blake };
}

/** Fills the sign-in form as a person would. */
export async function signInWithUi(
  page: Page,
  serverUrl: string,
  username: string,
  password = PASSWORD,
): Promise<void> {
  const server = page.getByLabel('Server');
  if (await server.isEditable().catch(() => false)) await server.fill(serverUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Serious and critical accessibility violations on the page now (axe-core). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export function tempFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

export function writePolicy(folder: string, policy: unknown): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'policy.json');
  writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return file;
}
