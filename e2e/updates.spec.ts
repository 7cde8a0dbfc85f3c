/**
 * Auto-update as the advisor lives it: the app's real update wiring (policy, call state, the
 * bridge event) around a stand-in for electron-updater, which needs a packaged app and IT's
 * update server. Progress is shown; an update that arrives mid-call waits for the hang-up.
 */
import { EventEmitter } from 'node:events';
import { accessibilityProblems, connected, expect, test } from './fixtures.ts';

class StandInAutoUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  channel: string | null = null;
  checks = 0;
  installs = 0;
  checkForUpdates(): Promise<null> {
    this.checks++;
    return Promise.resolve(null);
  }
  quitAndInstall(): void {
    this.installs++;
  }
}

test('an update shows its progress, waits for the call to end, then installs', async ({
  app,
}, testInfo) => {
  const updates = new StandInAutoUpdater();
  const { avery, blake } = await connected(app, undefined, { autoUpdater: updates });
  expect(updates.checks).toBe(1);

  updates.emit('download-progress', {
    percent: 42.4,
    transferred: 42,
    total: 100,
    bytesPerSecond: 9,
  });
  await expect(
    blake.page.getByRole('status').filter({ hasText: 'Downloading an update: 42 %' }),
  ).toBeVisible();
  await expect(blake.page.getByRole('progressbar', { name: 'Update download' })).toHaveAttribute(
    'value',
    '42',
  );
  updates.emit('update-downloaded', { version: '1.3.0', downloadedFile: '/tmp/advisor-1.3.0' });
  await expect(
    blake.page
      .getByRole('status')
      .filter({ hasText: 'Version 1.3.0 is ready. It installs when this call ends.' }),
  ).toBeVisible();
  await blake.page.screenshot({ path: testInfo.outputPath('update-waiting.png') });
  expect(await accessibilityProblems(blake.page)).toEqual([]);
  expect(updates.installs).toBe(0);

  await avery.page.getByRole('button', { name: 'Hang up' }).click();
  await expect(
    blake.page.getByRole('status').filter({ hasText: 'Installing version 1.3.0' }),
  ).toBeVisible();
  expect(updates.installs).toBe(1);
});

test('IT turns updates off: the updater is never asked', async ({ app }) => {
  const updates = new StandInAutoUpdater();
  const avery = await app.launch('avery', {
    signedIn: true,
    policy: { autoUpdate: false },
    autoUpdater: updates,
  });
  await expect(avery.page.getByRole('heading', { name: 'Avery Tester' })).toBeVisible();
  expect(updates.checks).toBe(0);
  expect(updates.listenerCount('update-downloaded')).toBe(0);
});
