/**
 * The guest page in a plain browser page (no bridge, no test host), served by the real server
 * at /join/<token> under its strict CSP: the lobby, the name check, an unknown link, and with a
 * real link the advisor's lobby (waiting, leaving, being turned away) and, let in by the app,
 * the call itself. Each screen gets an axe-core scan and a screenshot.
 */
import type { Page, TestInfo } from '@playwright/test';
import { LINK_INVALID } from '../shared/protocol/guest.ts';
import { accessibilityProblems, expect, test } from './fixtures.ts';
import { makeInviteLink } from './guest-steps.ts';
import { waitForDecodedFrames } from './media.ts';

/** The right shape (43 base64url characters), but no server ever made it. */
const MADE_UP_TOKEN = 'Zm9yIHRoZSB0ZXN0IG9ubHkgLSBub3QgYSByZWFsIGx';

async function capture(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  expect(await accessibilityProblems(page), name).toEqual([]);
}

/** A page that records what must never happen: a CSP violation or an uncaught error. */
async function guestPage(page: Page, url: string) {
  const problems: string[] = [];
  const knocks: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (request.url().endsWith('/api/guest/knock')) knocks.push(request.method());
  });
  await page.goto(url);
  return { problems, knocks };
}

test.describe('the guest page', () => {
  test('lobby with preview, level and devices; an empty name stays here; an unknown link is refused', async ({
    page,
    server,
  }, testInfo) => {
    expect(MADE_UP_TOKEN).toHaveLength(43);
    const seen = await guestPage(page, `${server.url}/join/${MADE_UP_TOKEN}`);
    await expect(page.getByRole('heading', { name: 'Join the meeting' })).toBeVisible();
    const preview = page.getByLabel('Your camera preview');
    await expect(preview).toBeVisible();
    // The fake camera's frames reach the preview.
    await expect
      .poll(() => preview.evaluate((video: HTMLVideoElement) => video.videoWidth))
      .toBeGreaterThan(0);
    await expect(page.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Camera' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Microphone' })).toBeVisible();
    await capture(page, testInfo, 'guest-lobby');

    await page.getByRole('button', { name: 'Ask to join' }).click();
    await expect(page.getByRole('alert')).toHaveText('Enter your name.');
    expect(seen.knocks).toEqual([]);
    await capture(page, testInfo, 'guest-lobby-no-name');

    await page.getByLabel('Your name').fill('Gina Guest');
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await expect(page.getByRole('alert')).toHaveText(LINK_INVALID.message);
    await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
    expect(seen.knocks).toEqual(['POST']);
    // The camera is off once the lobby is gone.
    await expect(page.getByLabel('Your camera preview')).toHaveCount(0);
    await capture(page, testInfo, 'guest-link-invalid');
    expect(seen.problems).toEqual([]);
  });

  test('with a real link: waiting for the advisor, leaving, asking again, turned away', async ({
    page,
    server,
  }, testInfo) => {
    await server.addUser('avery', ['Team']);
    const avery = await server.connect('avery');
    const link = await server.post('/api/guest-links', {}, avery.tokens.accessToken);
    const { token } = link.body as { token: string };
    const seen = await guestPage(page, `${server.url}/join/${token}`);

    await page.getByLabel('Your name').fill('Gina Guest');
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await expect(
      page.getByRole('heading', { name: 'Waiting for Avery Tester to let you in' }),
    ).toBeVisible();
    const first = await avery.next<{ guestId: string; name: string }>('guest-waiting');
    expect(first.name).toBe('Gina Guest');
    await expect(page.getByRole('status')).toHaveText('Avery Tester knows you are here.');
    await capture(page, testInfo, 'guest-waiting');

    await page.getByRole('button', { name: 'Leave' }).click();
    await expect(page.getByRole('heading', { name: 'Join the meeting' })).toBeVisible();
    expect(await avery.next<{ guestId: string }>('guest-gone')).toEqual({
      guestId: first.guestId,
    });

    await page.getByRole('button', { name: 'Ask to join' }).click();
    const second = await avery.next<{ guestId: string }>('guest-waiting');
    expect(await avery.send('guest-deny', { guestId: second.guestId })).toEqual({ ok: true });
    await expect(page.getByRole('alert')).toHaveText(
      'The advisor did not let you in to this meeting.',
    );
    await expect(page.getByRole('heading', { name: 'You were not let in' })).toBeVisible();
    await capture(page, testInfo, 'guest-refused');
    expect(seen.problems).toEqual([]);
  });

  test('invited from the app, let in by the advisor: rung and answered at once, video both ways, mute, leave', async ({
    app,
    page,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const seen = await guestPage(page, await makeInviteLink(avery));

    await page.getByLabel('Your name').fill('Gina Guest');
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await avery.page.getByRole('button', { name: 'Admit Gina Guest' }).click();
    await expect(page.getByRole('heading', { name: 'Meeting with Avery Tester' })).toBeVisible();
    await waitForDecodedFrames(page, "Avery Tester's video", 10);
    await waitForDecodedFrames(avery.page, "Gina Guest's video", 10);
    await expect(
      avery.page.getByRole('figure', { name: 'Gina Guest' }).getByText('Guest', { exact: true }),
    ).toBeVisible();
    await capture(page, testInfo, 'guest-in-call');

    await page.getByRole('button', { name: 'Mute' }).click();
    await expect(page.getByRole('button', { name: 'Unmute' })).toBeVisible();
    await expect(avery.page.getByText('Gina Guest is muted')).toBeVisible();
    await page.getByRole('button', { name: 'Turn camera off' }).click();
    await expect(page.getByRole('button', { name: 'Turn camera on' })).toBeVisible();
    await expect(avery.page.getByText("Gina Guest's camera is off")).toBeVisible();

    await page.getByRole('button', { name: 'Leave' }).click();
    await expect(page.getByRole('status')).toHaveText('You left the meeting.');
    await expect(avery.page.getByRole('button', { name: 'Hang up' })).toHaveCount(0);
    await capture(page, testInfo, 'guest-left');
    expect(seen.problems).toEqual([]);
  });
});
