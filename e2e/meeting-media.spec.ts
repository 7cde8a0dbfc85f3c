/**
 * A meeting's screen share reaches everyone, and a recording of it (with consent from all)
 * holds every voice and a picture that is not black. Outcomes, not rates.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { maxVolume, meanLuma, probeRecording, waitForDecodedFrames } from './media.ts';
import { meetingOfThree } from './meeting-steps.ts';

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
    const { avery, blake, casey } = await meetingOfThree(app);

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
    const { avery, blake, casey } = await meetingOfThree(app, {
      recording: 'consent-required',
    });
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
    const banner = (advisor: typeof avery) =>
      advisor.page.getByRole('status').filter({ hasText: 'This call is being recorded' });
    // Avery's banner shows once the recorder runs: the file's clock starts at most a moment
    // before this one, so turns are placed by when their clicks really happened. Taken before
    // the others' banners are checked: on a loaded machine those checks took seconds, and every
    // turn was then looked for too early in the file (silence read as the turn before it).
    await expect(banner(avery)).toBeVisible();
    const t0 = Date.now();
    const now = () => (Date.now() - t0) / 1000;
    for (const advisor of [blake, casey]) await expect(banner(advisor)).toBeVisible();

    // One voice at a time, then silence: each must be in the file, and silence must read as such.
    const turns: Record<string, [number, number]> = {};
    const turn = async (who: string, speak: () => Promise<void>, stop: () => Promise<void>) => {
      await speak();
      const from = now();
      await avery.page.waitForTimeout(TURN_S * 1000);
      turns[who] = [from, now()];
      await stop();
    };
    await turn(
      'blake',
      () => setMuted(blake, false),
      () => setMuted(blake, true),
    );
    await turn(
      'casey',
      () => setMuted(casey, false),
      () => setMuted(casey, true),
    );
    // Avery switches microphone first: the recording must keep the new one.
    await avery.page.getByRole('button', { name: 'Devices' }).click();
    await avery.page
      .getByRole('combobox', { name: /^Microphone/ })
      .selectOption({ label: 'Fake Audio Input 2' });
    await turn(
      'avery',
      () => setMuted(avery, false),
      () => setMuted(avery, true),
    );
    await turn(
      'nobody',
      () => Promise.resolve(),
      () => Promise.resolve(),
    );
    await avery.page.getByRole('button', { name: 'Stop recording' }).click();
    // Finishing writes what the recorder still holds; on a loaded machine that takes a while.
    await expect(avery.page.getByText(/Recording saved/)).toBeVisible({ timeout: 60_000 });

    const folder = avery.recordingsFolder();
    const webm = readdirSync(folder).find((f) => f.endsWith('.webm'));
    expect(webm).toBeDefined();
    const file = join(avery.folder, 'meeting.webm');
    const probe = await probeRecording(join(folder, webm ?? ''), file);
    expect(probe.streams).toEqual(['audio', 'video']);
    // The middle of each turn, a second in from each end (clicks and the file's start offset).
    const volumes: Record<string, number> = {};
    for (const [who, [from, to]] of Object.entries(turns)) {
      volumes[who] = await maxVolume(file, from + 1, to - from - 2);
    }
    console.log(`[meeting] recording max volume per turn (dB): ${JSON.stringify(volumes)}`);
    expect(volumes.blake).toBeGreaterThan(SOUND_DB);
    expect(volumes.casey).toBeGreaterThan(SOUND_DB);
    expect(volumes.avery).toBeGreaterThan(SOUND_DB);
    expect(volumes.nobody).toBeLessThan(SOUND_DB);
    expect(await meanLuma(file, 2)).toBeGreaterThan(20);
  });
});
