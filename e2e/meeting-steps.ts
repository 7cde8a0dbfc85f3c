/** Steps the meeting specs share: add someone from the in-call dialog, check the full mesh. */
import { averyCallsBlake, type AppFactory } from './fixtures.ts';
import type { Advisor } from './host/advisor.ts';
import { videoInfo, waitForDecodedFrames } from './media.ts';

const name = (advisor: Advisor) =>
  `${advisor.username.charAt(0).toUpperCase()}${advisor.username.slice(1)} Tester`;

/** `inviter` adds `invitee` from the in-call dialog; the invitee's app rings and they answer. */
export async function addToMeeting(inviter: Advisor, invitee: Advisor): Promise<void> {
  await inviter.page.getByRole('button', { name: 'Add people' }).click();
  const dialog = inviter.page.getByRole('dialog', { name: 'Add people' });
  await dialog.getByRole('button', { name: `Add ${name(invitee)}` }).click();
  const ringing = invitee.page.getByRole('dialog', {
    name: new RegExp(`^Incoming call from ${name(inviter)}`),
  });
  await ringing.getByRole('button', { name: 'Answer' }).click();
}

/** Every advisor decodes every other advisor's camera (frames arriving, not a rate). */
export async function everyoneSeesEveryone(advisors: Advisor[]): Promise<void> {
  for (const viewer of advisors) {
    for (const other of advisors) {
      if (other !== viewer) await waitForDecodedFrames(viewer.page, `${name(other)}'s video`, 5);
    }
  }
}

/** Frames of `label` at `viewer` keep arriving: more now than a moment ago. */
export async function framesKeepArriving(viewer: Advisor, label: string): Promise<void> {
  const before = (await videoInfo(viewer.page, label))?.frames ?? 0;
  await waitForDecodedFrames(viewer.page, label, before + 5);
}

/** Marks the <video> elements labelled `label` now, so `waitForFreshVideo` can tell a new one. */
export async function markVideosOld(viewer: Advisor, label: string): Promise<void> {
  await viewer.page.evaluate((name) => {
    for (const video of document.querySelectorAll('video')) {
      if (video.getAttribute('aria-label') === name) video.dataset.old = 'yes';
    }
  }, label);
}

/** Waits for a <video> labelled `label` that was not there when marked, decoding frames. */
export async function waitForFreshVideo(viewer: Advisor, label: string): Promise<void> {
  await viewer.page.waitForFunction(
    (name) =>
      [...document.querySelectorAll('video')].some(
        (v) =>
          v.getAttribute('aria-label') === name &&
          v.dataset.old !== 'yes' &&
          v.getVideoPlaybackQuality().totalVideoFrames > 5,
      ),
    label,
    { timeout: 30_000 },
  );
}

/**
 * Avery, Blake and Casey in one meeting, everyone decoding everyone: Avery calls Blake, Blake
 * answers, Avery adds Casey. `policy` applies to each of them.
 */
export async function meetingOfThree(
  app: AppFactory,
  policy?: unknown,
): Promise<{ avery: Advisor; blake: Advisor; casey: Advisor }> {
  const options = { signedIn: true, ...(policy ? { policy } : {}) };
  const [avery, blake, casey] = await Promise.all(
    ['avery', 'blake', 'casey'].map((u) => app.launch(u, options)),
  );
  if (!avery || !blake || !casey) throw new Error('not launched');
  await averyCallsBlake(avery, blake);
  await addToMeeting(avery, casey);
  await everyoneSeesEveryone([avery, blake, casey]);
  return { avery, blake, casey };
}

/**
 * Casey, back after losing the meeting (the app or only its page), answers the server's ring
 * into it; Avery and Blake show Casey's new connection (a new video element), and Casey sees them.
 */
export async function caseyAnswersRingBack(
  avery: Advisor,
  blake: Advisor,
  casey: Advisor,
): Promise<void> {
  await casey.page
    .getByRole('dialog', { name: /^Incoming call from (Avery|Blake) Tester with/ })
    .getByRole('button', { name: 'Answer' })
    .click();
  for (const stayer of [avery, blake]) await waitForFreshVideo(stayer, "Casey Tester's video");
  await everyoneSeesEveryone([avery, blake, casey]);
  await framesKeepArriving(blake, "Avery Tester's video");
}

/** The width of the camera frames `sender` encodes now on each connected link (getStats). */
export async function sentCameraWidths(sender: Advisor): Promise<number[]> {
  return sender.page.evaluate(async () => {
    const pcs =
      (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const widths: number[] = [];
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = await pc.getStats();
      // The camera is the only video sender (no screen is shared where this is asked).
      const camera = [...stats.values()].find(
        (s: { type: string; kind?: string }) => s.type === 'outbound-rtp' && s.kind === 'video',
      ) as { frameWidth?: number } | undefined;
      widths.push(camera?.frameWidth ?? 0);
    }
    return widths;
  });
}

/** The local description (offer or answer, and its SDP) of each of the page's open connections. */
async function openLocalDescriptions(advisor: Advisor): Promise<{ type: string; sdp: string }[]> {
  return advisor.page.evaluate(() => {
    const pcs =
      (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    return pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => ({
        type: pc.localDescription?.type ?? 'none',
        sdp: pc.localDescription?.sdp ?? '',
      }));
  });
}

/**
 * The DTLS certificate fingerprints (a=fingerprint) the page's open connections present: one per
 * call when the call's certificate is made before it (renderer/call/call-certificates.ts).
 */
export async function dtlsFingerprints(advisor: Advisor): Promise<string[]> {
  const prints = (await openLocalDescriptions(advisor)).flatMap(
    ({ sdp }) => /^a=fingerprint:(.+)$/m.exec(sdp)?.[1] ?? [],
  );
  return [...new Set(prints)];
}

/** Whether `advisor` offered or answered on each open connection ('offer' | 'answer', sorted). */
export async function localRoles(advisor: Advisor): Promise<string[]> {
  return (await openLocalDescriptions(advisor)).map(({ type }) => type).sort();
}
