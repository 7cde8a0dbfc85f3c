/**
 * Tamper-evident recordings as the advisor sees them: Verify beside a saved recording says what
 * main's verifier found (and notices a change to the file), with the server's receipts; Export
 * for archive writes the package where the folder picker answered; and Settings warns when the
 * recordings folder is one a cloud service copies off the computer.
 */
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  accessibilityProblems,
  averyCallsBlake,
  connected,
  expect,
  tempFolder,
  test,
} from './fixtures.ts';
import { waitForDecodedFrames } from './media.ts';

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

test('Export for archive writes the package where the picker answered; Verify says valid with the server’s receipts', async ({
  app,
}) => {
  const archive = tempFolder('rr-e2e-archive-');
  const avery = await app.launch('avery', {
    signedIn: true,
    policy: { recording: 'allowed' },
    chosenFolder: archive.path,
  });
  const blake = await app.launch('blake', { signedIn: true });
  await averyCallsBlake(avery, blake);
  await waitForDecodedFrames(avery.page, "Blake Tester's video", 10);
  await avery.page.getByRole('button', { name: 'Start recording' }).click();
  await expect(
    avery.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
  ).toBeVisible();
  await avery.page.waitForTimeout(2_000); // a few chunks
  await avery.page.getByRole('button', { name: 'Stop recording' }).click();
  await expect(avery.page.getByText(/Recording saved/)).toBeVisible();

  await avery.page.getByRole('button', { name: 'Verify' }).click();
  await expect(avery.page.getByRole('status').filter({ hasText: 'Verified:' })).toContainText(
    /as it was made.*The server’s start and stop receipts vouch for this file/,
  );

  await avery.page.getByRole('button', { name: 'Export for archive' }).click();
  const done = avery.page.getByRole('status').filter({ hasText: 'Exported for archive:' });
  await expect(done).toContainText(archive.path);
  const [packageName] = readdirSync(archive.path);
  const files = readdirSync(join(archive.path, packageName!));
  expect(files.filter((f) => f.endsWith('.webm') || f.endsWith('.eml'))).toHaveLength(2);
  expect(files).toEqual(
    expect.arrayContaining(['archive-record.json', 'archive-record.schema.json']),
  );
  const record = JSON.parse(
    readFileSync(join(archive.path, packageName!, 'archive-record.json'), 'utf8'),
  ) as { participants: { name: string; role: string }[]; serverReceipts: { stop: unknown } };
  expect(record.participants.map((p) => [p.name, p.role])).toEqual([
    ['Avery Tester', 'advisor'],
    ['Blake Tester', 'member'],
  ]);
  expect(record.serverReceipts.stop).not.toBeNull();
  expect(await accessibilityProblems(avery.page)).toEqual([]);
  archive.remove();
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
