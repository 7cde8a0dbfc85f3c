/**
 * A client joins from a link in a plain browser page (no app, no bridge): the advisor's Deny,
 * links that expired or were revoked, a guest in a meeting of three, and recording's notice,
 * consent and a shared screen reaching the guest (the lobby and the 1:1 call itself:
 * guest-page.spec.ts). Every guest screen here is scanned with axe and captured.
 */
import type { Page, TestInfo } from '@playwright/test';
import { GUEST_REFUSAL_MESSAGES, LINK_INVALID } from '../shared/protocol/guest.ts';
import { accessibilityProblems, averyCallsBlake, expect, test } from './fixtures.ts';
import {
  admit,
  askToJoin,
  closePage,
  expiredLink,
  guestWaiting,
  makeInviteLink,
  openLink,
} from './guest-steps.ts';
import { waitForDecodedFrames } from './media.ts';
import { everyoneSeesEveryone, framesKeepArriving, meetingOfThree } from './meeting-steps.ts';

const DANA = 'Dana Client';
const DANA_VIDEO = "Dana Client's video";

async function capture(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  expect(await accessibilityProblems(page), name).toEqual([]);
}

test.describe('a client joins from a link', () => {
  test('deny: the client is told so in a plain sentence', async ({ app, browser }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const guest = await guestWaiting(browser, await makeInviteLink(avery), DANA);
    await avery.page.getByRole('button', { name: `Deny ${DANA}` }).click();
    await expect(guest.getByRole('alert')).toHaveText(GUEST_REFUSAL_MESSAGES.denied);
    await expect(avery.page.getByText(`${DANA} is waiting to join`)).toHaveCount(0);
    await capture(guest, testInfo, 'guest-denied');
    await closePage(guest);
  });

  test('an expired link and a revoked one answer with the same plain sentence', async ({
    app,
    browser,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const expired = await openLink(browser, await expiredLink(server, 'avery'));
    await askToJoin(expired, DANA);
    await expect(expired.getByRole('alert')).toHaveText(LINK_INVALID.message);
    await capture(expired, testInfo, 'guest-link-invalid');
    await closePage(expired);

    const link = await makeInviteLink(avery);
    await avery.page.getByRole('button', { name: 'Invite a client' }).first().click();
    const dialog = avery.page.getByRole('dialog', { name: 'Invite a client' });
    const revoke = dialog.getByRole('button', { name: /^Revoke link/ });
    // The dialog makes a link when it opens: revoke both it and the one we hold.
    await expect(revoke).toHaveCount(2);
    await revoke.first().click();
    await revoke.first().click();
    await expect(revoke).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const revoked = await openLink(browser, link);
    await askToJoin(revoked, DANA);
    await expect(revoked.getByRole('alert')).toHaveText(LINK_INVALID.message);
    await closePage(revoked);
  });

  test('revoking a link turns away the client waiting on it', async ({ app, browser }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const guest = await guestWaiting(browser, await makeInviteLink(avery), DANA);
    await avery.page.getByRole('button', { name: 'Invite a client' }).first().click();
    const dialog = avery.page.getByRole('dialog', { name: 'Invite a client' });
    const revoke = dialog.getByRole('button', { name: /^Revoke link/ });
    await expect(revoke).toHaveCount(2);
    // Oldest first: the first listed is the guest's.
    await revoke.first().click();
    await expect(guest.getByRole('alert')).toHaveText(GUEST_REFUSAL_MESSAGES['link-revoked']);
    await expect(avery.page.getByText(`${DANA} is waiting to join`)).toHaveCount(0);
    await closePage(guest);
  });
});

test.describe('a client in a meeting', () => {
  test('joins a meeting of three: everyone decodes the client and the client decodes everyone', async ({
    app,
    browser,
  }) => {
    // Four pages encoding to three peers each on two cores: slow, not stuck.
    test.setTimeout(180_000);
    const { avery, blake, casey } = await meetingOfThree(app);
    const guest = await guestWaiting(browser, await makeInviteLink(avery), DANA);
    await admit(avery, DANA);
    for (const member of [avery, blake, casey]) {
      await waitForDecodedFrames(member.page, DANA_VIDEO, 5);
    }
    for (const label of ["Avery Tester's video", "Blake Tester's video", "Casey Tester's video"]) {
      await waitForDecodedFrames(guest, label, 5);
    }
    await everyoneSeesEveryone([avery, blake, casey]);
    await framesKeepArriving(blake, DANA_VIDEO);
    await closePage(guest);
  });

  test('recording and a shared screen reach the client: asked for consent, shown the banner, the screen decoded', async ({
    app,
    browser,
  }, testInfo) => {
    test.setTimeout(150_000);
    const avery = await app.launch('avery', {
      signedIn: true,
      policy: { recording: 'consent-required' },
    });
    const blake = await app.launch('blake', { signedIn: true });
    await averyCallsBlake(avery, blake);
    await waitForDecodedFrames(avery.page, "Blake Tester's video", 5);
    const guest = await guestWaiting(browser, await makeInviteLink(avery), DANA);
    await admit(avery, DANA);
    await waitForDecodedFrames(guest, "Avery Tester's video", 5);

    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    const ask = guest.getByRole('dialog', { name: /wants to record this call/ });
    await expect(ask).toBeVisible();
    await capture(guest, testInfo, 'guest-consent');
    await ask.getByRole('button', { name: 'Allow recording' }).click();
    await blake.page
      .getByRole('dialog', { name: /wants to record this call/ })
      .getByRole('button', { name: 'Allow recording' })
      .click();
    await expect(
      guest.getByRole('status').filter({ hasText: 'This call is being recorded' }),
    ).toBeVisible();
    await capture(guest, testInfo, 'guest-recording-banner');

    await avery.page.getByRole('button', { name: 'Share screen' }).click();
    const picker = avery.page.getByRole('dialog', { name: 'Share your screen' });
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    await waitForDecodedFrames(guest, "Avery Tester's screen", 5, 1280);
    await capture(guest, testInfo, 'guest-sees-screen');
    await closePage(guest);
  });
});
