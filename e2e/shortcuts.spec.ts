import type { Page } from '@playwright/test';
import { accessibilityProblems, connected, expect, test } from './fixtures.ts';
import { waitForDecodedFrames } from './media.ts';

/** Every video track the page sends on its latest peer connection, with its content hint. */
function sentVideo(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
      .at(-1)!
      .getSenders()
      .flatMap((s) =>
        s.track?.kind === 'video' && s.track.readyState === 'live'
          ? [{ label: s.track.label, hint: s.track.contentHint }]
          : [],
      ),
  );
}

test.describe('keyboard shortcuts in a call', () => {
  // Ctrl+D (mute) is covered in in-call.spec.ts.
  test('Ctrl+E toggles the camera for the peer; Ctrl+Shift+E opens the picker, then stops sharing; the screen track is hinted "detail"', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await connected(app);
    const cameraOff = blake.page.getByText("Avery Tester's camera is off");

    await avery.page.keyboard.press('Control+e');
    await expect(avery.page.getByRole('button', { name: 'Turn camera on' })).toBeVisible();
    await expect(cameraOff).toBeVisible();
    await avery.page.keyboard.press('Control+e');
    await expect(avery.page.getByRole('button', { name: 'Turn camera off' })).toBeVisible();
    await expect(cameraOff).toHaveCount(0);

    await avery.page.keyboard.press('Control+Shift+E');
    const picker = avery.page.getByRole('dialog', { name: 'Share your screen' });
    await expect(picker).toBeVisible();
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    await expect(avery.page.getByText(/You are sharing/)).toBeVisible();
    await waitForDecodedFrames(blake.page, "Avery Tester's screen", 5);
    await avery.page.screenshot({ path: testInfo.outputPath('sharing-bar.png') });
    expect(await accessibilityProblems(avery.page)).toEqual([]);

    // Text and slides stay sharp: the encoder keeps resolution rather than frame rate.
    const sent = await sentVideo(avery.page);
    expect(sent).toHaveLength(2);
    expect(sent.filter((t) => t.hint === 'detail')).toHaveLength(1);
    expect(sent.find((t) => t.label.startsWith('fake_device'))?.hint).not.toBe('detail');

    // The same shortcut stops sharing.
    await avery.page.keyboard.press('Control+Shift+E');
    await expect(avery.page.getByText(/You are sharing/)).toHaveCount(0);
    await expect(blake.page.locator('video[aria-label="Avery Tester\'s screen"]')).toHaveCount(0);
    await expect(picker).toHaveCount(0);
  });
});
