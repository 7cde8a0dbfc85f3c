/** Steps the guest specs share: make a link in the app, open it in a plain browser page, admit. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { hashToken } from '../server/auth/tokens.ts';
import type { Harness } from '../server/testing/harness.ts';
import { expect } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';

/** The advisor clicks Invite a client and reads the link the dialog shows, then closes it. */
export async function makeInviteLink(advisor: Advisor): Promise<string> {
  await advisor.page.getByRole('button', { name: 'Invite a client' }).first().click();
  const dialog = advisor.page.getByRole('dialog', { name: 'Invite a client' });
  const box = dialog.getByRole('textbox', { name: 'Meeting link' });
  await expect(box).toHaveValue(/\/join\/[A-Za-z0-9_-]{43}$/);
  const link = await box.inputValue();
  await dialog.getByRole('button', { name: 'Close' }).click();
  return link;
}

/** A client's browser (its own context: no bridge, no app) on the link's page. */
export async function openLink(browser: Browser, link: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
  const page = await context.newPage();
  await page.goto(link);
  return page;
}

/** The client types their name and asks to join. */
export async function askToJoin(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Ask to join' }).click();
}

/** The client opens the link and waits in the lobby of `advisorName`. */
export async function guestWaiting(
  browser: Browser,
  link: string,
  name: string,
  advisorName = 'Avery Tester',
): Promise<Page> {
  const page = await openLink(browser, link);
  await askToJoin(page, name);
  await expect(
    page.getByRole('heading', { name: `Waiting for ${advisorName} to let you in` }),
  ).toBeVisible();
  return page;
}

/** The advisor's notice for a waiting client, and its Admit. */
export async function admit(advisor: Advisor, name: string): Promise<void> {
  await expect(advisor.page.getByText(`${name} is waiting to join`)).toBeVisible();
  await advisor.page.getByRole('button', { name: `Admit ${name}` }).click();
}

/** A link of `advisor` that expired a minute ago, put straight in the server's store. */
export async function expiredLink(server: Harness, username: string): Promise<string> {
  const advisor = await server.store.userByUsername(username);
  if (!advisor) throw new Error(`no user ${username}`);
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  await server.store.insertGuestLink({
    id: randomUUID(),
    tokenHash: hashToken(token),
    advisorId: advisor.id,
    createdAt: now - 25 * 3_600_000,
    expiresAt: now - 60_000,
  });
  return `${server.url}/join/${token}`;
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}
