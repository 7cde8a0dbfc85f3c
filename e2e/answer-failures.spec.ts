/**
 * Answering when the devices cannot be had: a busy camera still lets the callee in with sound
 * only; no camera and no microphone at all ends the attempt in plain words and stops the
 * caller's ringing (the caller hears a decline instead of ringing on).
 */
import { expect, test } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { waitForDecodedFrames } from './media.ts';

/** Makes this page's getUserMedia fail as the OS would: for the camera only, or for everything. */
async function breakDevices(advisor: Advisor, what: 'camera' | 'everything'): Promise<void> {
  await advisor.page.evaluate((which) => {
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints?: MediaStreamConstraints) => {
      if (which === 'everything') {
        return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      }
      if (constraints?.video) {
        return Promise.reject(new DOMException('Device in use', 'NotReadableError'));
      }
      return original(constraints);
    };
  }, what);
}

test.describe('answering without devices', () => {
  test('the camera is busy: the callee joins with sound only, and the caller is told', async ({
    app,
  }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await breakDevices(blake, 'camera');
    await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
    await blake.page
      .getByRole('dialog', { name: /Incoming call from/ })
      .getByRole('button', { name: 'Answer' })
      .click();
    await expect(blake.page.getByText(/You joined with sound only\./)).toBeVisible();
    await expect(avery.page.getByText("Blake Tester's camera is off")).toBeVisible();
    await waitForDecodedFrames(blake.page, "Avery Tester's video", 5);
    await expect(blake.page.getByRole('button', { name: 'Hang up' })).toBeVisible();
  });

  test('no camera and no microphone: the callee is told why and the caller stops ringing', async ({
    app,
  }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await breakDevices(blake, 'everything');
    await avery.page.getByRole('button', { name: 'Call Blake Tester' }).click();
    await blake.page
      .getByRole('dialog', { name: /Incoming call from/ })
      .getByRole('button', { name: 'Answer' })
      .click();
    await expect(blake.page.getByRole('alert')).toContainText(
      'not allowed to use your camera or microphone',
    );
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester declined the call.');
    await expect(avery.page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  });
});
