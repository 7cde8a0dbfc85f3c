import { expect, test } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { waitForDecodedFrames } from './media.ts';

const incoming = (advisor: Advisor) =>
  advisor.page.getByRole('dialog', { name: 'Incoming call from Avery Tester' });

test.describe('one advisor on two devices', () => {
  test('both ring; one answers; the other stops ringing and the call connects on the first', async ({
    app,
  }) => {
    const avery = await app.launch('avery', { signedIn: true });
    // The fixture makes the user once; the second launch is a second device (own window, own keychain).
    const laptop = await app.launch('blake', { signedIn: true });
    const desktop = await app.launch('blake', { signedIn: true });

    await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
    await expect(incoming(laptop)).toBeVisible();
    await expect(incoming(desktop)).toBeVisible();

    await incoming(laptop).getByRole('button', { name: 'Answer' }).click();
    await expect(incoming(desktop)).toHaveCount(0);
    await waitForDecodedFrames(laptop.page, "Avery Tester's video", 10);
    await waitForDecodedFrames(avery.page, "Blake Tester's video", 10);
    // The other device goes quietly back to Home: no call, no camera, no outcome to dismiss.
    await expect(desktop.page.getByRole('button', { name: 'Call Avery Tester' })).toBeVisible();
    await expect(desktop.page.getByRole('button', { name: 'Hang up' })).toHaveCount(0);
    await expect(desktop.page.getByRole('alert')).toHaveCount(0);
    expect((await desktop.mediaTracks()).filter((t) => t.state !== 'ended')).toEqual([]);
    expect(desktop.notifications).toHaveLength(1);
  });
});
