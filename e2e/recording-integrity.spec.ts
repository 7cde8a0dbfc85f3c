/**
 * Tamper-evident recordings as the advisor sees them: Verify beside a saved recording says what
 * main's verifier found (and notices a change to the file), and Settings warns when the
 * recordings folder is one a cloud service copies off the computer.
 */
import { appendFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessibilityProblems, connected, expect, test } from './fixtures.ts';

test('Verify beside a saved recording: verified, then altered once the file is changed', async ({
  app,
}) => {
  const { avery } = await connected(app, { recording: 'allowed' });
  await avery.page.getByRole('button', { name: 'Start recording' }).click();
  await expect(
    avery.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
  ).toBeVisible();
  await avery.page.waitForTimeout(2_000); // a few chunks, so there is a chain to check
  await avery.page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(avery.page.getByText(/Recording saved/)).toBeVisible();

  const verify = avery.page.getByRole('button', { name: 'Verify' });
  await verify.click();
  await expect(avery.page.getByRole('status').filter({ hasText: 'Verified:' })).toContainText(
    /as it was made.*signed by this computer’s recording key/,
  );
  const folder = avery.recordingsFolder();
  const webm = readdirSync(folder).find((f) => f.endsWith('.webm'));
  appendFileSync(join(folder, webm!), 'x');
  await verify.click();
  await expect(avery.page.getByRole('status').filter({ hasText: 'Altered:' })).toContainText(
    '1 byte was added after the end of the recording.',
  );
});

test('Settings warns beside a recordings folder inside Dropbox', async ({ app }) => {
  const avery = await app.launch('avery', {
    signedIn: true,
    policy: { recordingsFolder: join(tmpdir(), 'rr-e2e-sync', 'Dropbox', 'Recordings') },
  });
  await avery.page.getByRole('button', { name: 'Settings' }).click();
  const recordings = avery.page.getByRole('region', { name: 'Recordings' });
  await expect(recordings.getByRole('status')).toHaveText(
    'This folder is inside Dropbox, which copies its files to the cloud: recordings saved here would not stay on this computer only. Choose a folder outside Dropbox.',
  );
  expect(await accessibilityProblems(avery.page)).toEqual([]);
});
