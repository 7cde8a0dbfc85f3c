/**
 * The advisor's side of guests in the app: Invite a client makes a meeting link on the real
 * server, Copy link puts exactly it on the (recorded) clipboard, the link is listed and revoked;
 * IT's policy shortens it. Clients waiting in the lobby (a real knock and a real guest socket,
 * no guest page) show as notices with Admit and Deny, and an OS notification.
 */
import type { Page, TestInfo } from '@playwright/test';
import { connectGuest, knock } from '../server/testing/guests.ts';
import { accessibilityProblems, expect, test } from './fixtures.ts';
import { makeInviteLink } from './guest-steps.ts';

async function capture(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  expect(await accessibilityProblems(page), name).toEqual([]);
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

test.describe('Invite a client', () => {
  test('makes a meeting link, copies exactly it, lists it and revokes it', async ({
    app,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const { page } = avery;
    await page.getByRole('button', { name: 'Invite a client' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a client' });
    const box = dialog.getByRole('textbox', { name: 'Meeting link' });
    await expect(box).toHaveValue(/\/join\//);
    const link = await box.inputValue();
    expect(link.startsWith(`${server.url}/join/`)).toBe(true);
    expect(link.slice(`${server.url}/join/`.length)).toMatch(TOKEN);
    await expect(box).toHaveAttribute('readonly', '');
    await expect(dialog.getByText(/^Valid for 24 hours, until .+ tomorrow\.$/)).toBeVisible();

    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Copied');
    expect(avery.clipboard).toEqual([link]);

    const revoke = dialog.getByRole('button', { name: /^Revoke link/ });
    await expect(revoke).toHaveCount(1);
    await expect(revoke).toHaveText('Revoke link');
    await capture(page, testInfo, 'invite-dialog');

    const averyId = (await server.store.userByUsername('avery'))!.id;
    expect(await server.store.liveGuestLinks(averyId, Date.now())).toHaveLength(1);
    await revoke.click();
    await expect(revoke).toHaveCount(0);
    await expect(dialog.getByText('You have no active links.')).toBeVisible();
    // The revoked link is no longer offered to copy.
    await expect(box).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
    expect(await server.store.liveGuestLinks(averyId, Date.now())).toEqual([]);
    await capture(page, testInfo, 'invite-dialog-revoked');

    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test("IT's policy makes links shorter", async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true, policy: { guestLinkMinutes: 60 } });
    await avery.page.getByRole('button', { name: 'Invite a client' }).click();
    const dialog = avery.page.getByRole('dialog', { name: 'Invite a client' });
    await expect(dialog.getByText(/^Valid for 1 hour, until /)).toBeVisible();
  });
});

test.describe('clients waiting in the lobby', () => {
  test('each shows with Admit and Deny (and an OS notification); Deny turns one away, Admit rings the other', async ({
    app,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const { page } = avery;
    const link = await makeInviteLink(avery);
    const token = link.slice(link.lastIndexOf('/') + 1);

    const casey = await connectGuest(server, await knock(server, token, 'Casey Client'));
    const dana = await connectGuest(server, await knock(server, token, 'Dana Client'));
    await expect(page.getByText('Casey Client is waiting to join')).toBeVisible();
    await expect(page.getByText('Dana Client is waiting to join')).toBeVisible();
    const denyCasey = page.getByRole('button', { name: 'Deny Casey Client' });
    await expect(denyCasey).toHaveText('Deny');
    await expect(page.getByRole('button', { name: 'Admit Dana Client' })).toHaveText('Admit');
    // The test host's window is never in front: each waiting client is an OS notification.
    await expect
      .poll(() => avery.notifications.map((n) => n.body))
      .toEqual(['Casey Client is waiting to join.', 'Dana Client is waiting to join.']);
    await capture(page, testInfo, 'lobby-notice');

    await denyCasey.click();
    expect(await casey.next('guest-refused')).toMatchObject({ reason: 'denied' });
    await expect(page.getByText('Casey Client is waiting to join')).toHaveCount(0);

    await page.getByRole('button', { name: 'Admit Dana Client' }).click();
    const averyId = (await server.store.userByUsername('avery'))!.id;
    expect(await dana.next('guest-admitted')).toMatchObject({ advisorId: averyId });
    // Then the app rings Dana like anyone else: a call offer from Avery.
    expect(await dana.next('call-offer')).toMatchObject({
      from: averyId,
      fromName: 'Avery Tester',
    });
    await expect(page.getByText('Dana Client is waiting to join')).toHaveCount(0);
  });
});
