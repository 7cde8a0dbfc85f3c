import { accessibilityProblems, expect, test } from './fixtures.ts';
import { waitForDecodedFrames } from './media.ts';
import type { Advisor } from './host/advisor.ts';

async function ring(caller: Advisor, calleeName: string) {
  await caller.page.getByRole('button', { name: `Call ${calleeName}` }).click();
}

const incoming = (advisor: Advisor) =>
  advisor.page.getByRole('dialog', { name: /Incoming call from/ });

test.describe('calls', () => {
  test('call, answer, both decode remote video, hang up: both home, every track stopped', async ({
    app,
  }, testInfo) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });

    await ring(avery, 'Blake Tester');
    await expect(avery.page.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await avery.page.screenshot({ path: testInfo.outputPath('outgoing.png') });
    await expect(incoming(blake)).toContainText('Avery Tester');
    await blake.page.screenshot({ path: testInfo.outputPath('incoming.png') });
    expect(await accessibilityProblems(blake.page)).toEqual([]);
    expect(blake.notifications).toEqual([
      expect.objectContaining({ body: expect.stringContaining('Avery Tester') }),
    ]);

    await incoming(blake).getByRole('button', { name: 'Answer' }).click();
    const atAvery = await waitForDecodedFrames(avery.page, "Blake Tester's video", 20, 320);
    const atBlake = await waitForDecodedFrames(blake.page, "Avery Tester's video", 20, 320);
    expect(atAvery.width).toBeGreaterThanOrEqual(320);
    expect(atBlake.width).toBeGreaterThanOrEqual(320);
    await expect(avery.page.getByLabel('Call duration')).toBeVisible();
    await avery.page.screenshot({ path: testInfo.outputPath('in-call.png') });
    expect(await accessibilityProblems(avery.page)).toEqual([]);

    await avery.page.getByRole('button', { name: 'Hang up' }).click();
    for (const advisor of [avery, blake]) {
      await expect(advisor.page.getByRole('button', { name: 'Hang up' })).toHaveCount(0);
      await expect(advisor.page.getByRole('button', { name: /^Call / }).first()).toBeVisible();
      await expect
        .poll(async () => (await advisor.mediaTracks()).filter((t) => t.state !== 'ended'))
        .toEqual([]);
      expect((await advisor.mediaTracks()).length).toBeGreaterThanOrEqual(2);
    }
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester ended the call.');
  });

  test('decline; the ring sounds while the dialog shows, and stops with it', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    // Every AudioContext the page opens (the ring is synthesised in one), and what it plays.
    await blake.page.evaluate(() => {
      const w = window as unknown as { __audio: { context: AudioContext; tones: number }[] };
      w.__audio = [];
      window.AudioContext = class extends window.AudioContext {
        constructor(options?: AudioContextOptions) {
          super(options);
          const entry = { context: this as AudioContext, tones: 0 };
          w.__audio.push(entry);
          const createOscillator = this.createOscillator.bind(this);
          this.createOscillator = () => {
            entry.tones++;
            return createOscillator();
          };
        }
      };
    });
    const audio = () =>
      blake.page.evaluate(() =>
        (window as unknown as { __audio: { context: AudioContext; tones: number }[] }).__audio.map(
          (a) => ({ state: a.context.state, playing: a.tones > 0 }),
        ),
      );
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
    await expect.poll(audio).toEqual([{ state: 'running', playing: true }]);
    await incoming(blake).getByRole('button', { name: 'Decline' }).click();
    await expect.poll(audio).toEqual([{ state: 'closed', playing: true }]);
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester declined the call.');
    await expect(incoming(blake)).toHaveCount(0);
  });

  test('cancel', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
    await avery.page.getByRole('button', { name: 'Cancel' }).click();
    await expect(incoming(blake)).toHaveCount(0);
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester cancelled the call.');
    await expect
      .poll(async () => (await avery.mediaTracks()).filter((t) => t.state !== 'ended'))
      .toEqual([]);
  });

  test("the caller's page reloads while dialling (as after a renderer crash): the ring stops at once", async ({
    app,
  }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
    // Dialling is a call for main: it keeps the screen awake, and leaves the call if the page goes.
    await expect.poll(() => avery.shell.inCall()).toBe(true);
    // Main and its socket live on; the page that comes back knows nothing of the call.
    await avery.page.reload();
    // Cancelled, not missed after the ring timeout: nobody is on the other end any more.
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester cancelled the call.');
    await expect(incoming(blake)).toHaveCount(0);
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
  });

  test('quitting while dialling (confirmed in main) cancels the ring', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
    avery.shell.quitConfirmed();
    await expect(blake.page.getByRole('alert')).toContainText('Avery Tester cancelled the call.');
    await expect.poll(() => avery.shell.inCall()).toBe(false);
  });

  test('busy', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    const casey = await app.launch('casey', { signedIn: true });
    await ring(avery, 'Blake Tester');
    await incoming(blake).getByRole('button', { name: 'Answer' }).click();
    await waitForDecodedFrames(avery.page, "Blake Tester's video", 5);
    // The list says Blake is in a call, but calling is still allowed: the answer is a clear busy.
    await expect(casey.page.getByText('In a call').first()).toBeVisible();
    await ring(casey, 'Blake Tester');
    await expect(casey.page.getByRole('alert')).toContainText('Blake Tester is in another call.');
    await expect(incoming(blake)).toHaveCount(0);
  });

  test('missed: nobody answers within the ring timeout', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await ring(avery, 'Blake Tester');
    await expect(incoming(blake)).toBeVisible();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester did not answer.', {
      timeout: 20_000,
    });
    await expect(blake.page.getByRole('alert')).toContainText(
      'You missed a call from Avery Tester.',
    );
  });

  test('not allowed: the server refuses a call outside the circles', async ({ app, server }) => {
    const avery = await app.launch('avery', { signedIn: true });
    await app.launch('blake', { signedIn: true });
    await expect(avery.page.getByRole('button', { name: 'Call Blake Tester' })).toBeEnabled();
    // IT removes Blake from the circle while Avery's list still shows Blake.
    await server.store.removeMember('Team', 'blake');
    await ring(avery, 'Blake Tester');
    await expect(avery.page.getByRole('alert')).toContainText(
      'You can only call members of your circles.',
    );
  });
});
