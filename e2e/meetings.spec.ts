/**
 * Meetings of up to four: real Chromium pages, real WebRTC in a full mesh, the real server.
 * Assertions are outcomes that do not depend on machine load: frames keep arriving, a message
 * arrived, a tile is there. Rates belong in `npm run bench:meeting`.
 */
import { averyCallsBlake, expect, test } from './fixtures.ts';
import {
  addToMeeting,
  caseyAnswersRingBack,
  dtlsFingerprints,
  everyoneSeesEveryone,
  framesKeepArriving,
  localRoles,
  markVideosOld,
  meetingOfThree,
  sentCameraWidths,
} from './meeting-steps.ts';

test.describe('meetings', () => {
  // Four Chromium pages on two cores: give invitees time to answer before the ring times out.
  test.use({ serverConfig: { ringTimeoutMs: 30_000 } });

  test('three, then four in one meeting; a fifth refused; one leaves and the rest go on', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const [avery, blake, casey, drew, erin] = await Promise.all(
      ['avery', 'blake', 'casey', 'drew', 'erin'].map((u) => app.launch(u, { signedIn: true })),
    );
    if (!avery || !blake || !casey || !drew || !erin) throw new Error('not launched');
    await averyCallsBlake(avery, blake);
    await everyoneSeesEveryone([avery, blake]);

    await avery.page.getByRole('button', { name: 'Add people' }).click();
    const ringCasey = casey.page.getByRole('dialog', { name: /^Incoming call from Avery Tester/ });
    await avery.page
      .getByRole('dialog', { name: 'Add people' })
      .getByRole('button', { name: 'Add Casey Tester' })
      .click();
    // The invitation says who else is in the meeting.
    await expect(ringCasey).toHaveAccessibleName(
      'Incoming call from Avery Tester with Blake Tester',
    );
    await ringCasey.getByRole('button', { name: 'Answer' }).click();
    await everyoneSeesEveryone([avery, blake, casey]);
    await expect(blake.page.getByRole('region', { name: 'Participants' })).toContainText(
      'Casey Tester',
    );
    // Three: every camera is sent at 960x540 (the capture itself, not 720p scaled by each encoder).
    for (const sender of [avery, blake, casey])
      await expect.poll(() => sentCameraWidths(sender), { timeout: 30_000 }).toEqual([960, 960]);

    // Anyone in the meeting may add someone: Blake adds Drew.
    await addToMeeting(blake, drew);
    await everyoneSeesEveryone([avery, blake, casey, drew]);
    // In every pair whoever joined first offered (made while the newcomer rang): Drew only answered.
    expect(await localRoles(drew)).toEqual(['answer', 'answer', 'answer']);
    expect(await localRoles(casey)).toEqual(['answer', 'answer', 'offer']);
    expect(await localRoles(blake)).toEqual(['answer', 'offer', 'offer']);
    expect(await localRoles(avery)).toEqual(['offer', 'offer', 'offer']);
    // Four: 640x360 to each of the three others.
    for (const sender of [avery, blake, casey, drew]) {
      await expect
        .poll(() => sentCameraWidths(sender), { timeout: 30_000 })
        .toEqual([640, 640, 640]);
    }
    // Each one's connections share one DTLS certificate, made before the call; no two people
    // share one.
    const prints = await Promise.all([avery, blake, casey, drew].map(dtlsFingerprints));
    for (const own of prints) expect(own).toHaveLength(1);
    expect(new Set(prints.flat()).size).toBe(4);
    // Four tiles fit the 1280x800 window: the controls stay in view without scrolling.
    await drew.page.evaluate(() => {
      window.scrollTo(0, 0);
    });
    await expect(drew.page.getByRole('button', { name: 'Hang up' })).toBeInViewport();
    expect(
      await drew.page.evaluate(() => document.documentElement.scrollHeight),
    ).toBeLessThanOrEqual(800);

    // A fifth is refused by the server, in plain words; the meeting goes on.
    await casey.page.getByRole('button', { name: 'Add people' }).click();
    await casey.page
      .getByRole('dialog', { name: 'Add people' })
      .getByRole('button', { name: 'Add Erin Tester' })
      .click();
    await expect(casey.page.getByText('This meeting is full (4 people).')).toBeVisible();
    await expect(erin.page.getByRole('dialog', { name: /Incoming call/ })).toHaveCount(0);

    // Casey leaves: the other three go on, and are told.
    await casey.page.getByRole('button', { name: 'Hang up' }).click();
    for (const stayer of [avery, blake, drew]) {
      await expect(stayer.page.getByText('Casey Tester left the call.')).toBeVisible();
      await expect(stayer.page.getByLabel("Casey Tester's video")).toHaveCount(0);
    }
    await framesKeepArriving(avery, "Drew Tester's video");
    await framesKeepArriving(drew, "Blake Tester's video");

    // Down to two: a normal call, which ends for both when one hangs up.
    await drew.page.getByRole('button', { name: 'Hang up' }).click();
    await framesKeepArriving(avery, "Blake Tester's video");
    await blake.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(avery.page.getByText('Blake Tester ended the call.')).toBeVisible();

    // The next call has a new certificate: calls cannot be linked by it.
    await averyCallsBlake(avery, blake);
    await everyoneSeesEveryone([avery, blake]);
    const next = await dtlsFingerprints(avery);
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(prints[0]?.[0]);
  });

  test('one crashes, comes back within the grace and rejoins; the others never stopped', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const { avery, blake, casey } = await meetingOfThree(app);
    // Who speaks shows on their tile (the fake microphone beeps).
    await expect(
      avery.page.getByRole('figure', { name: 'Casey Tester' }).getByText('speaking'),
    ).toBeVisible();

    for (const stayer of [avery, blake]) await markVideosOld(stayer, "Casey Tester's video");
    await casey.close(); // the app dies: window, services and socket at once
    await framesKeepArriving(avery, "Blake Tester's video");
    const again = await app.launch('casey', { signedIn: true });
    await caseyAnswersRingBack(avery, blake, again);
  });

  test('the server restarts mid-meeting (it forgets the call): all three come back into it', async ({
    app,
    server,
  }) => {
    test.setTimeout(180_000);
    const { avery, blake, casey } = await meetingOfThree(app);
    await server.stop();
    await server.restart();
    for (const advisor of [avery, blake, casey]) {
      await expect(
        advisor.page.getByRole('status').filter({ hasText: 'Online' }).first(),
      ).toBeVisible({ timeout: 20_000 });
    }
    await framesKeepArriving(casey, "Avery Tester's video");
    // The server knows all three again: Casey's hang-up reaches both others (a server that had
    // let only the first pair back refused Casey's messages, and nobody heard her leave).
    await casey.page.getByRole('button', { name: 'Hang up' }).click();
    for (const stayer of [avery, blake]) {
      await expect(stayer.page.getByText('Casey Tester left the call.')).toBeVisible();
    }
    await framesKeepArriving(avery, "Blake Tester's video");
  });

  test('one page reloads (as after a renderer crash) while main lives on: rung back in, rejoins', async ({
    app,
  }) => {
    test.setTimeout(180_000);
    const { avery, blake, casey } = await meetingOfThree(app);
    for (const stayer of [avery, blake]) await markVideosOld(stayer, "Casey Tester's video");
    // Main and its socket live on; the page comes back knowing nothing of the meeting.
    await casey.page.reload();
    await framesKeepArriving(avery, "Blake Tester's video");
    await caseyAnswersRingBack(avery, blake, casey);
  });
});

test.describe('invitations that are not taken', () => {
  test('declined and missed invitations are reported to the inviter; the meeting goes on', async ({
    app,
  }) => {
    const [avery, blake, casey] = await Promise.all(
      ['avery', 'blake', 'casey'].map((u) => app.launch(u, { signedIn: true })),
    );
    if (!avery || !blake || !casey) throw new Error('not launched');
    await averyCallsBlake(avery, blake);
    await everyoneSeesEveryone([avery, blake]);

    await avery.page.getByRole('button', { name: 'Add people' }).click();
    await avery.page.getByRole('button', { name: 'Add Casey Tester' }).click();
    const ringing = casey.page.getByRole('dialog', { name: /^Incoming call from Avery Tester/ });
    await expect(ringing).toBeVisible();
    // While Casey's app rings, the two already send what a meeting of three sends (the cameras
    // change before Casey's arrival, not during it); a decline gives the call of two its 720p back.
    for (const sender of [avery, blake])
      await expect.poll(() => sentCameraWidths(sender), { timeout: 30_000 }).toEqual([960]);
    await ringing.getByRole('button', { name: 'Decline' }).click();
    await expect(avery.page.getByText('Casey Tester declined to join.')).toBeVisible();
    await framesKeepArriving(avery, "Blake Tester's video");
    for (const sender of [avery, blake])
      await expect.poll(() => sentCameraWidths(sender), { timeout: 30_000 }).toEqual([1280]);

    await avery.page.getByRole('button', { name: 'Add people' }).click();
    await avery.page.getByRole('button', { name: 'Add Casey Tester' }).click();
    // Nobody answers within the ring timeout (8 s in the test server).
    await expect(avery.page.getByText('Casey Tester did not answer.')).toBeVisible({
      timeout: 20_000,
    });
    await framesKeepArriving(blake, "Avery Tester's video");
  });
});
