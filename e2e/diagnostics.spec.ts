/**
 * Settings → Copy diagnostics: main builds the report and puts it on the (recorded) clipboard;
 * it names the server and the policy in force, and holds no token, password or TURN secret.
 */
import { randomBytes } from 'node:crypto';
import { accessibilityProblems, expect, test } from './fixtures.ts';
import { PASSWORD } from '../server/testing/harness.ts';

test('Copy diagnostics puts a report without secrets on the clipboard', async ({
  app,
  server,
}, testInfo) => {
  const turnSecret = `turn-${randomBytes(12).toString('hex')}`;
  const avery = await app.launch('avery', {
    signedIn: true,
    policy: {
      autoUpdate: false,
      iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'it', credential: turnSecret }],
    },
  });
  const { page } = avery;
  await expect.poll(() => avery.services.signaling.state().status).toBe('online');
  const accessToken = await avery.services.session.accessToken();

  await page.getByRole('button', { name: 'Settings' }).click();
  const copy = page.getByRole('button', { name: 'Copy diagnostics' });
  await copy.click();
  await expect(page.getByRole('status').filter({ hasText: 'Diagnostics copied' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('settings-diagnostics.png'), fullPage: true });
  expect(await accessibilityProblems(page)).toEqual([]);

  expect(avery.clipboard).toHaveLength(1);
  const report = avery.clipboard[0]!;
  expect(report).toContain('RichesReach Advisor diagnostics');
  expect(report).toContain('App version: 0.0.0-test');
  expect(report).toContain(`Server: ${new URL(server.url).origin}\n`);
  expect(report).toContain('Signaling: online');
  expect(report).toContain('  autoUpdate: false');
  expect(report).toContain('"credential":"[redacted]"');
  for (const secret of [accessToken, accessToken.split('.')[2]!, turnSecret, PASSWORD]) {
    expect(report).not.toContain(secret);
  }
});
