/**
 * Faults a call must survive, each measured and printed ("[faults] ..." lines in the output):
 * the signaling server gone for 30 s, a lossy and slow media path, a media blackout. The media
 * path is impaired between one advisor and a real coturn (relay-only ICE, so every packet takes
 * it); see host/impaired-link.ts for why not netem.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyRecording } from '../main/recording/verify.ts';
import { iceServersFor } from '../server/ice/ice-servers.ts';
import { averyCallsBlake, connected, expect, test } from './fixtures.ts';
import { startCoturn, type Coturn } from './host/coturn.ts';
import { startImpairedLink, type ImpairedLink } from './host/impaired-link.ts';
import type { Advisor } from './host/advisor.ts';
import {
  framesDuring,
  longestFreeze,
  probeRecording,
  videoInfo,
  waitForDecodedFrames,
  watchFreezes,
} from './media.ts';

const AT_AVERY = "Blake Tester's video";
/** How long frame rates are counted on the impaired path. */
const WINDOW_MS = 8_000;
const AT_BLAKE = "Avery Tester's video";

function report(testInfo: { annotations: { type: string; description?: string }[] }, line: string) {
  console.log(`[faults] ${line}`);
  testInfo.annotations.push({ type: 'measured', description: line });
}

const status = (advisor: Advisor, text: RegExp | string) =>
  advisor.page.getByRole('status').filter({ hasText: text }).first();

test.describe('signaling outage', () => {
  test('server down 30 s mid-call: media keeps flowing, signaling comes back by itself, hang-up works', async ({
    app,
    server,
  }, testInfo) => {
    const { avery, blake } = await connected(app);
    await watchFreezes(avery.page, AT_AVERY);
    await watchFreezes(blake.page, AT_BLAKE);

    await server.stop();
    await expect(status(avery, 'Reconnecting')).toBeVisible();
    await expect(status(blake, 'Reconnecting')).toBeVisible();
    await avery.page.waitForTimeout(30_000); // the outage's length is what is being tested
    expect(await framesDuring(blake.page, AT_BLAKE, 1_000)).toBeGreaterThan(0);

    await server.restart();
    const back = Date.now();
    await expect(status(avery, 'Online')).toBeVisible({ timeout: 20_000 });
    await expect(status(blake, 'Online')).toBeVisible({ timeout: 20_000 });
    const signalingBackMs = Date.now() - back;
    const freezes = {
      avery: await longestFreeze(avery.page, AT_AVERY),
      blake: await longestFreeze(blake.page, AT_BLAKE),
    };
    report(
      testInfo,
      `signaling down 30 s: longest video freeze ${freezes.avery.longestMs} ms at Avery (${freezes.avery.frames} frames), ` +
        `${freezes.blake.longestMs} ms at Blake (${freezes.blake.frames} frames); signaling back ${signalingBackMs} ms after the server`,
    );
    // The freeze and the time back are printed above, not held to a rate: on a loaded CI machine
    // a 550 ms gap was seen where a quiet one shows ~100 ms. What must hold is that the picture
    // never stopped with signaling: a call that froze would show a gap of most of the 30 s.
    expect(freezes.avery.longestMs).toBeLessThan(10_000);
    expect(freezes.blake.longestMs).toBeLessThan(10_000);

    await blake.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester ended the call.');
    expect(await videoInfo(avery.page, AT_AVERY)).toBeNull();
  });
});

test.describe('an impaired media path', () => {
  const SECRET = 'fault-test-turn-secret';
  let coturn: Coturn;
  let link: ImpairedLink;

  test.beforeEach(async () => {
    coturn = await startCoturn(SECRET);
    link = await startImpairedLink(coturn.url);
  });
  test.afterEach(async () => {
    await link.close();
    await coturn.stop();
  });

  /** Relay-only ICE for both, pinned by policy: Avery's TURN through the faulty link, Blake's direct. */
  const relayThrough = (url: string, user: string) => ({
    iceServers: iceServersFor(user, {
      stunUrls: [],
      turnUrls: [url],
      turnSecret: SECRET,
      turnTtlSeconds: 3_600,
    }).iceServers,
    iceTransportPolicy: 'relay',
  });
  const callOverLink = (app: Parameters<typeof connected>[0]) =>
    connected(app, relayThrough(link.url, 'avery'), { policy: relayThrough(coturn.url, 'blake') });

  /** The ufrag of the latest peer connection's local description: it changes when ICE restarts. */
  const iceUfrag = (advisor: Advisor) =>
    advisor.page.evaluate(() => {
      const pc = (
        window as unknown as { __peerConnections: RTCPeerConnection[] }
      ).__peerConnections.at(-1);
      return /a=ice-ufrag:(\S+)/.exec(pc?.localDescription?.sdp ?? '')?.[1] ?? null;
    });

  /** Round-trip time of the selected candidate pair (the path media takes), in ms. */
  const roundTripMs = (advisor: Advisor) =>
    advisor.page.evaluate(async () => {
      const pc = (
        window as unknown as { __peerConnections: RTCPeerConnection[] }
      ).__peerConnections.at(-1);
      if (!pc) return null;
      const stats = await pc.getStats();
      let rtt: number | null = null;
      stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = stats.get(s.selectedCandidatePairId) as
          { currentRoundTripTime?: number } | undefined;
        if (pair?.currentRoundTripTime !== undefined) {
          rtt = Math.round(pair.currentRoundTripTime * 1000);
        }
      });
      return rtt;
    });

  test('5 % loss and 100 ms delay each way: the call stays connected and frames keep arriving', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await callOverLink(app);
    expect(await avery.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });

    link.set({ loss: 0.05, delayMs: 100 });
    await avery.page.waitForTimeout(5_000); // let congestion control settle on the new path
    const before = link.counts();
    // Over 8 s: a lost key frame stalls the picture for a moment, which a short window overstates.
    const [atAvery, atBlake] = await Promise.all([
      framesDuring(avery.page, AT_AVERY, WINDOW_MS),
      framesDuring(blake.page, AT_BLAKE, WINDOW_MS),
    ]);
    const after = link.counts();
    const lost =
      (after.dropped - before.dropped) /
      (after.forwarded + after.dropped - before.forwarded - before.dropped);
    const fps = { avery: atAvery / (WINDOW_MS / 1000), blake: atBlake / (WINDOW_MS / 1000) };
    report(
      testInfo,
      `5 % loss + 100 ms: ${fps.avery.toFixed(1)} fps at Avery, ${fps.blake.toFixed(1)} fps at Blake; ` +
        `link dropped ${(lost * 100).toFixed(1)} % of ${after.forwarded + after.dropped - before.forwarded - before.dropped} datagrams; ` +
        `RTT ${await roundTripMs(avery)} ms`,
    );
    // The rate is printed above, not asserted: a loaded CI machine decodes slower than the link
    // allows (4.5 fps was seen under load, 20+ on a quiet machine), which says nothing of the app.
    expect(atAvery).toBeGreaterThan(0);
    expect(atBlake).toBeGreaterThan(0);
    await expect(status(avery, 'Reconnecting')).toHaveCount(0);
    await expect(avery.page.getByRole('button', { name: 'Hang up' })).toBeVisible();
  });

  test('a network switch: signaling and media cut together for 10 s, then both back: the call recovers by itself', async ({
    app,
    server,
  }, testInfo) => {
    test.setTimeout(150_000);
    const { avery, blake } = await callOverLink(app);
    const ufrags = { avery: await iceUfrag(avery), blake: await iceUfrag(blake) };

    link.set({ blackout: true });
    await server.stop();
    await expect(status(avery, 'Reconnecting')).toBeVisible();
    // The ICE restart offer is made while signaling is down: it waits in the outbox.
    await avery.page.waitForTimeout(10_000);
    const frozen = {
      avery: (await videoInfo(avery.page, AT_AVERY))?.frames ?? 0,
      blake: (await videoInfo(blake.page, AT_BLAKE))?.frames ?? 0,
    };
    link.set({ blackout: false });
    await server.restart();
    const back = Date.now();
    await waitForDecodedFrames(avery.page, AT_AVERY, frozen.avery + 10);
    await waitForDecodedFrames(blake.page, AT_BLAKE, frozen.blake + 10);
    const mediaBackMs = Date.now() - back;
    const restarted =
      (await iceUfrag(avery)) !== ufrags.avery || (await iceUfrag(blake)) !== ufrags.blake;
    report(
      testInfo,
      `network switch (signaling + media down 10 s): media back ${mediaBackMs} ms after both returned; ICE restarted: ${restarted}`,
    );
    expect(restarted).toBe(true);
    // Still in the call on both sides, and it still works: a hang-up reaches the other side.
    await expect(status(avery, 'Online')).toBeVisible({ timeout: 20_000 });
    await blake.page.getByRole('button', { name: 'Hang up' }).click();
    await expect(avery.page.getByRole('alert')).toContainText('Blake Tester ended the call.');
  });

  test('10 s media blackout: ICE restarts and media is back within 5 s of recovery', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await callOverLink(app);
    const ufrags = { avery: await iceUfrag(avery), blake: await iceUfrag(blake) };

    link.set({ blackout: true });
    await expect(
      avery.page.getByText('Reconnecting… the picture may pause for a moment.'),
    ).toBeVisible();
    await avery.page.waitForTimeout(10_000); // the blackout's length is what is being tested
    const frozen = {
      avery: (await videoInfo(avery.page, AT_AVERY))?.frames ?? 0,
      blake: (await videoInfo(blake.page, AT_BLAKE))?.frames ?? 0,
    };
    link.set({ blackout: false });
    const recovered = Date.now();
    const flowing = (advisor: Advisor, label: string, from: number) =>
      advisor.page.waitForFunction(
        ([name, count]) => {
          const video = [...document.querySelectorAll('video')].find(
            (v) => v.getAttribute('aria-label') === name,
          );
          return !!video && video.getVideoPlaybackQuality().totalVideoFrames > count;
        },
        [label, from + 10] as const,
        { timeout: 30_000 },
      );
    await Promise.all([
      flowing(avery, AT_AVERY, frozen.avery),
      flowing(blake, AT_BLAKE, frozen.blake),
    ]);
    const mediaBackMs = Date.now() - recovered;
    const restarted =
      (await iceUfrag(avery)) !== ufrags.avery || (await iceUfrag(blake)) !== ufrags.blake;
    report(
      testInfo,
      `10 s blackout: media back ${mediaBackMs} ms after recovery; ICE restarted: ${restarted}`,
    );
    expect(restarted).toBe(true);
    expect(mediaBackMs).toBeLessThanOrEqual(5_000);
    await expect(
      avery.page.getByText('Reconnecting… the picture may pause for a moment.'),
    ).toHaveCount(0);
  });

  test('expired TURN credentials: a clear call error, not a hang', async ({ app }) => {
    const expired = {
      iceServers: iceServersFor(
        'avery',
        { stunUrls: [], turnUrls: [coturn.url], turnSecret: SECRET, turnTtlSeconds: 60 },
        Date.now() - 3_600_000,
      ).iceServers,
      iceTransportPolicy: 'relay',
    };
    const avery = await app.launch('avery', { signedIn: true, policy: expired });
    const blake = await app.launch('blake', {
      signedIn: true,
      policy: relayThrough(coturn.url, 'blake'),
    });
    await averyCallsBlake(avery, blake);
    await expect(avery.page.getByRole('alert')).toContainText(/could not be established/, {
      timeout: 40_000,
    });
    await expect(blake.page.getByRole('alert')).toContainText(/could not be established/, {
      timeout: 40_000,
    });
  });
});

test.describe('recording through a crash', () => {
  test('renderer killed while recording: the file holds all but the last second, closed as interrupted', async ({
    app,
  }, testInfo) => {
    const { avery, blake } = await connected(app, { recording: 'allowed' });
    await avery.page.getByRole('button', { name: 'Start recording' }).click();
    await expect(status(avery, 'This call is being recorded')).toBeVisible();
    const started = Date.now();
    await avery.page.waitForTimeout(5_000); // the length recorded before the crash is what is tested
    const cdp = await avery.context.newCDPSession(avery.page);
    const killedAt = Date.now();
    // The renderer dies at once, so the command gets no answer.
    void cdp.send('Page.crash').catch(() => undefined);
    // Blake's side gives the lost call up on its own, in plain words.
    await expect(blake.page.getByRole('alert')).toContainText(
      'The call was lost: the connection to Avery Tester could not be restored.',
      { timeout: 45_000 },
    );

    // Main closes the recording the dead renderer fed as interrupted, without waiting for a restart.
    const folder = avery.recordingsFolder();
    const webm = readdirSync(folder).find((f) => f.endsWith('.webm'));
    const manifestFile = join(folder, `${webm!}.json`);
    await expect
      .poll(() => (JSON.parse(readFileSync(manifestFile, 'utf8')) as { status: string }).status)
      .toBe('interrupted');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { sha256: string };
    expect(manifest.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(folder, webm!)))
        .digest('hex'),
    );
    // Signed, and the verifier says so: cut short, as recorded.
    await expect(verifyRecording(join(folder, webm!))).resolves.toMatchObject({
      verdict: 'valid',
      status: 'interrupted',
    });
    // And the next start finds nothing left open.
    const recovered = await avery.services.recordings.recoverInterrupted();
    expect(recovered).toEqual([]);
    const probe = await probeRecording(join(folder, webm!), join(avery.folder, 'remuxed.webm'));
    const recordedFor = (killedAt - started) / 1000;
    report(
      testInfo,
      `renderer killed after ${recordedFor.toFixed(2)} s of recording: ${probe.duration.toFixed(2)} s on disk ` +
        `(${(recordedFor - probe.duration).toFixed(2)} s lost), streams ${probe.streams.join('+')}`,
    );
    expect(probe.streams).toEqual(['audio', 'video']);
    expect(probe.duration).toBeGreaterThanOrEqual(recordedFor - 1);
  });
});
