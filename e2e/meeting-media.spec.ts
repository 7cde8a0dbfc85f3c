/**
 * A meeting's screen share reaches everyone, and a recording of it (with consent from all)
 * holds every voice and a picture that is not black. Outcomes, not rates.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { averyCallsBlake, expect, test } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { maxVolume, meanLuma, probeRecording, waitForDecodedFrames } from './media.ts';
import { addToMeeting, everyoneSeesEveryone } from './meeting-steps.ts';

/** Seconds each voice speaks alone in the recording. */
const TURN_S = 4;
/** Louder than this is sound; the fake microphone's beep peaks far above, silence far below. */
const SOUND_DB = -50;

async function setMuted(advisor: Advisor, muted: boolean): Promise<void> {
  const button = advisor.page.getByRole('group', { name: 'Call controls' }).getByRole('button', {
    name: muted ? 'Mute' : 'Unmute',
  });
  if (await button.isVisible()) await button.click();
}

test.describe('meeting media', () => {
  test.use({ serverConfig: { ringTimeoutMs: 30_000 } });
  test('a screen shared in a meeting of three is seen by both others', async ({ app }) => {
    test.setTimeout(150_000);
    const [avery, blake, casey] = await Promise.all(
      ['avery', 'blake', 'casey'].map((u) => app.launch(u, { signedIn: true })),
    );
    if (!avery || !blake || !casey) throw new Error('not launched');
    await averyCallsBlake(avery, blake);
    await addToMeeting(avery, casey);
    await everyoneSeesEveryone([avery, blake, casey]);

    await casey.page.getByRole('button', { name: 'Share screen' }).click();
    const picker = casey.page.getByRole('dialog', { name: 'Share your screen' });
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    for (const viewer of [avery, blake]) {
      await waitForDecodedFrames(viewer.page, "Casey Tester's screen", 5, 1280);
      // Cameras still arrive beside the screen.
      await waitForDecodedFrames(viewer.page, "Casey Tester's video", 5);
    }
    await casey.page.getByRole('button', { name: 'Stop sharing' }).click();
    for (const viewer of [avery, blake]) {
      await expect(viewer.page.getByLabel("Casey Tester's screen")).toHaveCount(0);
    }
  });

  test('recording a meeting of three under consent-required: all asked, all see the banner, every voice in the file', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const policy = { recording: 'consent-required' };
    const [avery, blake, casey] = await Promise.all(
      ['avery', 'blake', 'casey'].map((u) => app.launch(u, { signedIn: true, policy })),
    );
    if (!avery || !blake || !casey) throw new Error('not launched');
    await averyCallsBlake(avery, blake);
    await addToMeeting(avery, casey);
    await everyoneSeesEveryone([avery, blake, casey]);
    for (const advisor of [avery, blake, casey]) await setMuted(advisor, true);

    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    await expect(
      avery.page.getByText('Waiting for Blake Tester and Casey Tester to allow recording…'),
    ).toBeVisible();
    for (const asked of [blake, casey]) {
      await asked.page
        .getByRole('dialog', { name: 'Avery Tester wants to record this call' })
        .getByRole('button', { name: 'Allow recording' })
        .click();
    }
    for (const advisor of [avery, blake, casey]) {
      await expect(
        advisor.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
      ).toBeVisible();
    }

    // One voice at a time, then silence: each must be in the file, and silence must read as such.
    await setMuted(blake, false);
    await avery.page.waitForTimeout(TURN_S * 1000);
    await setMuted(blake, true);
    await setMuted(casey, false);
    await avery.page.waitForTimeout(TURN_S * 1000);
    await setMuted(casey, true);
    // Avery switches microphone first: the recording must keep the new one.
    await avery.page.getByRole('button', { name: 'Devices' }).click();
    await avery.page
      .getByRole('combobox', { name: /^Microphone/ })
      .selectOption({ label: 'Fake Audio Input 2' });
    await setMuted(avery, false);
    await avery.page.waitForTimeout(TURN_S * 1000);
    await setMuted(avery, true);
    await avery.page.waitForTimeout(TURN_S * 1000);
    await avery.page.getByRole('button', { name: 'Stop recording' }).click();
    await expect(avery.page.getByText(/Recording saved/)).toBeVisible();

    const folder = avery.recordingsFolder();
    const webm = readdirSync(folder).find((f) => f.endsWith('.webm'));
    expect(webm).toBeDefined();
    const file = join(avery.folder, 'meeting.webm');
    const probe = await probeRecording(join(folder, webm ?? ''), file);
    expect(probe.streams).toEqual(['audio', 'video']);
    // The middle of each turn (the clicks take a moment at each end).
    const middle = (turn: number) => turn * TURN_S + 1;
    const volumes = {
      blake: await maxVolume(file, middle(0), TURN_S - 2),
      casey: await maxVolume(file, middle(1), TURN_S - 2),
      avery: await maxVolume(file, middle(2), TURN_S - 2),
      nobody: await maxVolume(file, middle(3), TURN_S - 2),
    };
    console.log(`[meeting] recording max volume per turn (dB): ${JSON.stringify(volumes)}`);
    expect(volumes.blake).toBeGreaterThan(SOUND_DB);
    expect(volumes.casey).toBeGreaterThan(SOUND_DB);
    expect(volumes.avery).toBeGreaterThan(SOUND_DB);
    expect(volumes.nobody).toBeLessThan(SOUND_DB);
    expect(await meanLuma(file, 2)).toBeGreaterThan(20);
  });
});
