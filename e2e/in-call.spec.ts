import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { verifyRecording } from '../main/recording/verify.ts';
import { accessibilityProblems, averyCallsBlake, connected, expect, test } from './fixtures.ts';
import {
  blackShare,
  framesDuring,
  framesFromSeek,
  meanVolume,
  recordingShape,
  videoInfo,
  waitForDecodedFrames,
} from './media.ts';

test.describe('in a call', () => {
  test('mute and camera state reach the other party; shortcuts work', async ({ app }) => {
    const { avery, blake } = await connected(app);
    await avery.page.getByRole('button', { name: 'Mute' }).click();
    await expect(blake.page.getByText('Avery Tester is muted')).toBeVisible();
    await avery.page.getByRole('button', { name: 'Unmute' }).click();
    await expect(blake.page.getByText('Avery Tester is muted')).toHaveCount(0);
    await avery.page.getByRole('button', { name: 'Turn camera off' }).click();
    await expect(blake.page.getByText("Avery Tester's camera is off")).toBeVisible();
    await avery.page.getByRole('button', { name: 'Turn camera on' }).click();
    await expect(blake.page.getByText("Avery Tester's camera is off")).toHaveCount(0);
    // Ctrl+D mutes, as in Teams and Meet.
    await avery.page.keyboard.press('Control+d');
    await expect(avery.page.getByRole('button', { name: 'Unmute' })).toBeVisible();
    await expect(blake.page.getByText('Avery Tester is muted')).toBeVisible();
    await expect(avery.page.getByRole('status', { name: 'Connection quality' })).toContainText(
      /connection/i,
    );
  });

  test('camera and microphone switched mid-call: tracks swapped without a new offer, saved; an unplugged camera is replaced', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await connected(app);
    const senders = () =>
      avery.page.evaluate(() =>
        (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
          .at(-1)!
          .getSenders()
          .flatMap((s) =>
            s.track ? [`${s.track.kind}:${s.track.label}:${s.track.readyState}`] : [],
          ),
      );
    const offers = () =>
      avery.page.evaluate(
        () =>
          (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.at(
            -1,
          )!.localDescription?.sdp,
      );
    expect(await senders()).toContain('video:fake_device_0:live');
    const sdpBefore = await offers();

    await avery.page.getByRole('button', { name: 'Devices' }).click();
    await avery.page.screenshot({ path: testInfo.outputPath('in-call-devices.png') });
    expect(await accessibilityProblems(avery.page)).toEqual([]);
    // fake_device_2, not _1: Chromium's second fake camera shows in a <video> but its frames
    // never reach the encoder (framesSent stays flat, measured); the third behaves like a camera.
    await avery.page
      .getByRole('combobox', { name: /^Camera/ })
      .selectOption({ label: 'fake_device_2' });
    await expect.poll(senders).toContain('video:fake_device_2:live');
    await avery.page
      .getByRole('combobox', { name: /^Microphone/ })
      .selectOption({ label: 'Fake Audio Input 2' });
    await expect.poll(senders).toContain('audio:Fake Audio Input 2:live');
    expect(await offers()).toBe(sdpBefore); // replaceTrack: no renegotiation
    const old = (await avery.mediaTracks()).filter((t) => t.label === 'fake_device_0');
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((t) => t.state === 'ended')).toBe(true);
    await expect
      .poll(() => framesDuring(blake.page, "Avery Tester's video", 1_000))
      .toBeGreaterThan(10);
    expect(avery.services.settings.view().values.cameraId).toMatch(/\S/);

    // The camera is unplugged: its track ends, and the call carries on with a camera that is there.
    const trackId = () =>
      avery.page.evaluate(
        () =>
          (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections
            .at(-1)!
            .getSenders()
            .find((s) => s.track?.kind === 'video')?.track?.id,
      );
    const unplugged = await trackId();
    await avery.page.evaluate(() => {
      const sender = (
        window as unknown as { __peerConnections: RTCPeerConnection[] }
      ).__peerConnections
        .at(-1)!
        .getSenders()
        .find((s) => s.track?.kind === 'video');
      sender?.track?.dispatchEvent(new Event('ended'));
    });
    await expect.poll(trackId).not.toBe(unplugged);
    await expect
      .poll(() => framesDuring(blake.page, "Avery Tester's video", 1_000))
      .toBeGreaterThan(10);
  });

  test('screen share reaches the peer as a second video at least 1280 wide; stop restores', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await connected(app);
    await avery.page.getByRole('button', { name: 'Share screen' }).click();
    const picker = avery.page.getByRole('dialog', { name: 'Share your screen' });
    await expect(picker).toBeVisible();
    await avery.page.screenshot({ path: testInfo.outputPath('screen-picker.png') });
    expect(await accessibilityProblems(avery.page)).toEqual([]);
    // Not on Linux: only Windows lets an app share the computer's sound.
    await expect(picker.getByRole('checkbox', { name: 'Share computer sound' })).toHaveCount(0);
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    await expect(avery.page.getByText(/You are sharing/)).toBeVisible();
    const screen = await waitForDecodedFrames(blake.page, "Avery Tester's screen", 5, 1280);
    expect(screen.width).toBeGreaterThanOrEqual(1280);
    // The camera still arrives beside the screen.
    expect(await framesDuring(blake.page, "Avery Tester's video", 1_000)).toBeGreaterThan(5);
    await blake.page.screenshot({ path: testInfo.outputPath('remote-screen.png') });

    await avery.page.getByRole('button', { name: 'Stop sharing' }).click();
    await expect(blake.page.locator('video[aria-label="Avery Tester\'s screen"]')).toHaveCount(0);
    await waitForDecodedFrames(blake.page, "Avery Tester's video", 5);
    const tracks = await avery.mediaTracks();
    expect(
      tracks.filter((t) => t.kind === 'video' && t.state === 'ended').length,
    ).toBeGreaterThanOrEqual(1);
  });

  test('on Windows the computer sound can go with the shared screen, beside the voice', async ({
    app,
  }) => {
    const avery = await app.launch('avery', { signedIn: true, platform: 'win32' });
    const blake = await app.launch('blake', { signedIn: true });
    await averyCallsBlake(avery, blake);
    await waitForDecodedFrames(blake.page, "Avery Tester's video", 5);
    await avery.page.getByRole('button', { name: 'Share screen' }).click();
    const picker = avery.page.getByRole('dialog', { name: 'Share your screen' });
    await picker.getByRole('checkbox', { name: 'Share computer sound' }).check();
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    await waitForDecodedFrames(blake.page, "Avery Tester's screen", 5);
    const streams = () =>
      blake.page.evaluate(() =>
        ['screen', 'camera'].map((what) => {
          const video = document.querySelector<HTMLVideoElement>(
            `video[aria-label="Avery Tester's ${what === 'camera' ? 'video' : what}"]`,
          );
          return (video?.srcObject as MediaStream | null)
            ?.getTracks()
            .map((t) => `${t.kind}:${t.readyState}`)
            .sort()
            .join(',');
        }),
      );
    await expect.poll(streams).toEqual(['audio:live,video:live', 'audio:live,video:live']);
    const audioIn = () =>
      blake.page.evaluate(async () => {
        const pc = (
          window as unknown as { __peerConnections: RTCPeerConnection[] }
        ).__peerConnections.at(-1)!;
        const received: number[] = [];
        (await pc.getStats()).forEach(
          (s: { type: string; kind?: string; packetsReceived?: number }) => {
            if (s.type === 'inbound-rtp' && s.kind === 'audio')
              received.push(s.packetsReceived ?? 0);
          },
        );
        return received;
      });
    // Two audio streams arrive, both flowing: the voice and the computer's sound.
    await expect.poll(async () => (await audioIn()).filter((n) => n > 20).length).toBe(2);
    await avery.page.getByRole('button', { name: 'Stop sharing' }).click();
    await expect
      .poll(async () => (await avery.mediaTracks()).filter((t) => t.label === 'Fake audio'))
      .toEqual([{ kind: 'audio', label: 'Fake audio', state: 'ended' }]);
  });

  test('record ~5 s: a finished 1280x720 WebM (duration, cues) that is not silent nor black, manifest hash matches, the peer saw the banner', async ({
    app,
  }, testInfo) => {
    // Recording without asking first needs IT's say-so (consent-required is the default).
    const { avery, blake } = await connected(app, { recording: 'allowed' });
    const clickedStart = Date.now();
    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    await expect(
      avery.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
    ).toBeVisible();
    await expect(
      blake.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
    ).toBeVisible();
    await blake.page.screenshot({ path: testInfo.outputPath('recording-banner.png') });
    await avery.page.waitForTimeout(5_000); // the recording's length is what is being tested
    await avery.page.getByRole('button', { name: 'Stop recording' }).click();
    await expect(avery.page.getByText(/Recording saved/)).toBeVisible();
    // On a loaded machine the clicks themselves take time: bound the length by what really passed.
    const recordedAtMost = (Date.now() - clickedStart) / 1000;
    await expect(
      blake.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
    ).toHaveCount(0);

    const folder = avery.recordingsFolder();
    const files = readdirSync(folder);
    const webm = files.find((f) => f.endsWith('.webm'));
    expect(webm).toBeDefined();
    const file = join(folder, webm!);
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as {
      sha256: string;
      status: string;
      bytes: number;
    };
    expect(manifest.status).toBe('complete');
    expect(manifest.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
    // Signed with this install's key, chained over every chunk: the verifier says valid.
    await expect(verifyRecording(file)).resolves.toMatchObject({
      verdict: 'valid',
      status: 'complete',
    });

    // Finished at stop: 1280x720, a duration and Cues as it is on disk, so a player seeks at once.
    const shape = await recordingShape(file);
    expect(shape).toMatchObject({ width: 1280, height: 720, streams: ['audio', 'video'] });
    expect(shape.duration).toBeGreaterThan(3.5);
    expect(shape.duration).toBeLessThanOrEqual(recordedAtMost + 0.5);
    expect(shape.cuePoints).toBeGreaterThanOrEqual(2);
    expect(await framesFromSeek(file, (shape.duration ?? 0) / 2)).toBe(1);
    // Both voices (the fake microphones beep) and both cameras (a moving picture) are in it.
    const volume = await meanVolume(file);
    const black = await blackShare(file, shape.duration ?? 0);
    testInfo.annotations.push({
      type: 'recording',
      description: `mean volume ${volume} dB, black ${(black * 100).toFixed(0)} %`,
    });
    expect(volume).toBeGreaterThan(-60);
    expect(black).toBeLessThan(0.25);

    await avery.page.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => avery.revealed).toEqual([file]);
  });

  test('recording while I share my screen with its sound, both microphones muted: the file holds that sound', async ({
    app,
  }) => {
    // Windows: the computer's sound can go with the screen (Chromium's fake one is a beep).
    const avery = await app.launch('avery', {
      signedIn: true,
      platform: 'win32',
      policy: { recording: 'allowed' },
    });
    const blake = await app.launch('blake', { signedIn: true });
    await averyCallsBlake(avery, blake);
    await waitForDecodedFrames(blake.page, "Avery Tester's video", 5);
    for (const advisor of [avery, blake]) {
      await advisor.page
        .getByRole('group', { name: 'Call controls' })
        .getByRole('button', { name: 'Mute' })
        .click();
    }
    await avery.page.getByRole('button', { name: 'Share screen' }).click();
    const picker = avery.page.getByRole('dialog', { name: 'Share your screen' });
    await picker.getByRole('checkbox', { name: 'Share computer sound' }).check();
    await picker.getByRole('radio').first().check();
    await picker.getByRole('button', { name: 'Share' }).click();
    await waitForDecodedFrames(blake.page, "Avery Tester's screen", 5);

    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    await avery.page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await avery.page.waitForTimeout(4_000); // a few seconds of sound to measure
    await avery.page.getByRole('button', { name: 'Stop recording' }).click();
    await expect(avery.page.getByText(/Recording saved/)).toBeVisible();

    const folder = avery.recordingsFolder();
    const webm = readdirSync(folder).find((f) => f.endsWith('.webm'));
    const file = join(folder, webm!);
    // Only my screen's sound can be heard: both microphones are muted.
    expect(await meanVolume(file)).toBeGreaterThan(-60);
    expect(await recordingShape(file)).toMatchObject({ width: 1280, height: 720 });
  });

  test('recording disabled by policy: no record button, an explanation instead', async ({
    app,
  }) => {
    const { avery } = await connected(app, { recording: 'disabled' });
    await expect(avery.page.getByRole('button', { name: 'Start recording' })).toHaveCount(0);
    await expect(avery.page.getByText('Recording is turned off by your IT team')).toBeVisible();
  });

  test('consent required: recording starts only after the other party allows it', async ({
    app,
  }) => {
    const { avery, blake } = await connected(app, { recording: 'consent-required' });
    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    const ask = blake.page.getByRole('dialog', { name: /wants to record this call/ });
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: "Don't allow" }).click();
    await expect(avery.page.getByRole('alert')).toContainText(
      'Blake Tester did not allow recording.',
    );
    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    await blake.page
      .getByRole('dialog', { name: /wants to record this call/ })
      .getByRole('button', { name: 'Allow recording' })
      .click();
    await expect(
      blake.page.getByRole('status').filter({ hasText: 'This call is being recorded' }),
    ).toBeVisible();
    await avery.page.getByRole('button', { name: 'Stop recording' }).click();
    await expect(avery.page.getByText(/Recording saved/)).toBeVisible();
  });

  test('server killed and restarted mid-call: media keeps flowing, signaling comes back, hang-up works', async ({
    app,
    server,
  }) => {
    const { avery, blake } = await connected(app);
    await server.stop();
    await expect(
      avery.page
        .getByRole('status')
        .filter({ hasText: /Reconnecting/ })
        .first(),
    ).toBeVisible();
    expect(await framesDuring(blake.page, "Avery Tester's video", 2_000)).toBeGreaterThan(20);
    await server.restart();
    await expect(avery.page.getByRole('status').filter({ hasText: 'Online' }).first()).toBeVisible({
      timeout: 20_000,
    });
    expect(await framesDuring(avery.page, "Blake Tester's video", 1_000)).toBeGreaterThan(10);
    // Signaling works again: mute reaches the peer, and hang-up ends the call on both sides.
    await avery.page.getByRole('button', { name: 'Mute' }).click();
    await expect(blake.page.getByText('Avery Tester is muted')).toBeVisible();
    await blake.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester ended the call.');
    expect(await videoInfo(avery.page, "Blake Tester's video")).toBeNull();
  });
});
