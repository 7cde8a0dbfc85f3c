/**
 * The screens and states the other specs do not scan: each gets an axe-core scan (no serious or
 * critical violations) and a screenshot artifact, and the Settings screen its behaviour.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { TestInfo } from '@playwright/test';
import { accessibilityProblems, connected, expect, signInWithUi, test } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { waitForDecodedFrames } from './media.ts';

/** Saves `<name>.png` and checks the screen as it is now. */
async function capture(advisor: Advisor, testInfo: TestInfo, name: string): Promise<void> {
  // Full page: Settings runs below the fold.
  await advisor.page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  expect(await accessibilityProblems(advisor.page), name).toEqual([]);
}

const incoming = (advisor: Advisor) =>
  advisor.page.getByRole('dialog', { name: /Incoming call from/ });

const callBlake = (advisor: Advisor) =>
  advisor.page.getByRole('button', { name: 'Call Blake Tester' }).click();

test.describe('outgoing call and outcomes', () => {
  // A short ring, so the missed call does not wait the default 8 s.
  test.use({ serverConfig: { ringTimeoutMs: 4_000 } });

  test('ringing with Cancel, then declined, cancelled, missed, busy and not allowed on Home', async ({
    app,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    const casey = await app.launch('casey', { signedIn: true });

    await callBlake(avery);
    await expect(avery.page.getByRole('heading', { name: 'Calling Blake Tester…' })).toBeVisible();
    await expect(avery.page.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await expect(incoming(blake)).toBeVisible();
    await capture(avery, testInfo, 'outgoing');
    await incoming(blake).getByRole('button', { name: 'Decline' }).click();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester declined the call.');
    await capture(avery, testInfo, 'home-declined');

    await callBlake(avery);
    await expect(incoming(blake)).toBeVisible();
    await avery.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester cancelled the call.');
    await capture(blake, testInfo, 'home-cancelled');

    await callBlake(avery);
    await expect(incoming(blake)).toBeVisible();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester did not answer.');
    await capture(avery, testInfo, 'home-missed-caller');
    await expect(blake.page.getByRole('alert')).toContainText(
      'You missed a call from Avery Tester.',
    );
    await capture(blake, testInfo, 'home-missed-callee');

    await callBlake(avery);
    await incoming(blake).getByRole('button', { name: 'Answer' }).click();
    await expect(blake.page.getByRole('button', { name: 'Hang up' })).toBeVisible();
    await callBlake(casey);
    await expect(casey.page.getByRole('alert')).toContainText('Blake Tester is in another call.');
    await capture(casey, testInfo, 'home-busy');
    await avery.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester ended the call.');

    // IT removes Blake from the circle while Avery's list still shows Blake.
    await server.store.removeMember('Team', 'blake');
    await callBlake(avery);
    await expect(avery.page.getByRole('alert')).toContainText(
      'You can only call members of your circles.',
    );
    await capture(avery, testInfo, 'home-not-allowed');
  });
});

test.describe('policy-managed screens', () => {
  test('sign-in with the Server pinned: read-only, explained, and signing in still works', async ({
    app,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery', { policy: { serverUrl: server.url } });
    const field = avery.page.getByLabel('Server');
    await expect(field).toHaveValue(server.url);
    await expect(field).not.toBeEditable();
    await expect(field).toHaveAccessibleDescription('Managed by your IT team');
    await capture(avery, testInfo, 'sign-in-server-pinned');
    await signInWithUi(avery.page, server.url, 'avery');
    await expect(avery.page.getByRole('heading', { name: 'Avery Tester' })).toBeVisible();
    expect(avery.services.session.state().status).toBe('signed-in');
  });

  test('Settings: devices with a live preview and level meter, choices saved, managed keys read-only', async ({
    app,
    server,
  }, testInfo) => {
    // Shown, never created: a pinned folder is IT's to provide.
    const pinnedFolder = join(tmpdir(), 'rr-it-recordings');
    const avery = await app.launch('avery', {
      signedIn: true,
      policy: {
        serverUrl: server.url,
        recordingsFolder: pinnedFolder,
        recording: 'consent-required',
      },
    });
    const { page } = avery;
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    const camera = page.getByRole('combobox', { name: 'Camera' });
    const microphone = page.getByRole('combobox', { name: 'Microphone' });
    await expect(page.getByRole('combobox', { name: 'Speaker' })).toBeVisible();
    await waitForDecodedFrames(page, 'Camera preview', 10);

    // The fake microphone beeps: the meter follows it rather than sitting still.
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    const levels = new Set<string | null>();
    await expect
      .poll(
        async () => {
          levels.add(await meter.getAttribute('aria-valuenow'));
          return levels.size;
        },
        { intervals: [100] },
      )
      .toBeGreaterThan(2);

    // Managed keys: shown with the reason, and no control to change them.
    const recordings = page.getByRole('region', { name: 'Recordings' });
    await expect(recordings.getByText(pinnedFolder)).toBeVisible();
    await expect(recordings.getByText('Managed by your IT team')).toHaveCount(2);
    await expect(recordings.getByRole('button', { name: 'Change folder' })).toHaveCount(0);
    await expect(
      page.getByRole('region', { name: 'Server and updates' }).getByText(server.url),
    ).toContainText('Managed by your IT team');
    await capture(avery, testInfo, 'settings-managed');
    // Nor can the page change one behind the UI's back: main refuses it.
    const refused = await page.evaluate(() =>
      (
        window as unknown as {
          advisor: {
            settings: { set(p: object): Promise<{ ok: boolean; error?: { code: string } }> };
          };
        }
      ).advisor.settings.set({ serverUrl: 'http://127.0.0.1:9' }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    expect(avery.services.settings.view().values.serverUrl).toBe(server.url);

    // Choices are saved in main and the preview switches to them. The id comes from the option:
    // the controlled select shows the old value until main's change event arrives.
    const idOf = (select: typeof camera, label: string) =>
      select.getByRole('option', { name: label, exact: true }).getAttribute('value');
    const micId = await idOf(microphone, 'Fake Audio Input 2');
    expect(micId).toMatch(/\S/);
    await microphone.selectOption({ label: 'Fake Audio Input 2' });
    await expect.poll(() => avery.services.settings.view().values.microphoneId).toBe(micId);
    await expect(microphone).toHaveValue(micId!);
    const cameraId = await idOf(camera, 'fake_device_2');
    await camera.selectOption({ label: 'fake_device_2' });
    await expect.poll(() => avery.services.settings.view().values.cameraId).toBe(cameraId);
    await expect(camera).toHaveValue(cameraId!);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const video = document.querySelector<HTMLVideoElement>(
            'video[aria-label="Camera preview"]',
          );
          const stream = video?.srcObject as MediaStream | null | undefined;
          return stream?.getVideoTracks()[0]?.label;
        }),
      )
      .toBe('fake_device_2');
  });
});

test.describe('recording screens', () => {
  test('consent dialog, then the banner on both sides', async ({ app }, testInfo) => {
    const { avery, blake } = await connected(app, { recording: 'consent-required' });
    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    const ask = blake.page.getByRole('dialog', { name: 'Avery Tester wants to record this call' });
    await expect(ask).toBeVisible();
    await expect(
      avery.page.getByText('Waiting for Blake Tester to allow recording…'),
    ).toBeVisible();
    await capture(blake, testInfo, 'recording-consent');
    await ask.getByRole('button', { name: 'Allow recording' }).click();
    for (const [advisor, who] of [
      [avery, 'You are recording it.'],
      [blake, 'Avery Tester is recording it.'],
    ] as const) {
      await expect(
        advisor.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
      ).toBeVisible();
      await expect(advisor.page.getByText(who)).toBeVisible();
      await capture(advisor, testInfo, `recording-banner-${advisor.username}`);
    }
  });
});
