/**
 * What each participant sends grows cheaper as the meeting grows, as Meet and Teams do: in a
 * full mesh every camera is encoded once per other participant, so four people at 720p30 would
 * be three 720p encodes each. Two: 1280x720 at 30 fps; three: 960x540 at 24; four: 640x360 at 20.
 * The camera captures no more than that (captureFor): a larger capture would be scaled down
 * again by every encoder, and drawn larger in my own view, for nothing.
 */
export interface SendQuality {
  scaleResolutionDownBy: number;
  maxFramerate: number;
  maxBitrate: number;
}

/** What the camera captures for two people; the scale of a SendQuality is relative to it. */
export const FULL_CAPTURE = { width: 1280, height: 720 } as const;

export interface Capture {
  width: number;
  height: number;
  frameRate: number;
}

export function captureFor(quality: SendQuality): Capture {
  return {
    width: Math.round(FULL_CAPTURE.width / quality.scaleResolutionDownBy),
    height: Math.round(FULL_CAPTURE.height / quality.scaleResolutionDownBy),
    frameRate: quality.maxFramerate,
  };
}

export function sendQualityFor(people: number): SendQuality {
  if (people <= 2) return { scaleResolutionDownBy: 1, maxFramerate: 30, maxBitrate: 1_500_000 };
  if (people === 3) return { scaleResolutionDownBy: 4 / 3, maxFramerate: 24, maxBitrate: 800_000 };
  return { scaleResolutionDownBy: 2, maxFramerate: 20, maxBitrate: 450_000 };
}

/** What one camera encoding is set to. */
export type SendEncoding = Pick<
  RTCRtpEncodingParameters,
  'scaleResolutionDownBy' | 'maxFramerate' | 'maxBitrate'
>;

/**
 * The encoding for a quality. The scale is taken from what the camera captures (`capturedWidth`):
 * a capture already at the meeting's size is sent as it is, a larger one (a camera that could not
 * be changed) is scaled down to it. With no camera yet, it will capture the meeting's size.
 */
export function sendEncoding(
  quality: SendQuality,
  capturedWidth: number | undefined,
): SendEncoding {
  const wanted = FULL_CAPTURE.width / quality.scaleResolutionDownBy;
  return {
    scaleResolutionDownBy: capturedWidth ? Math.max(1, capturedWidth / wanted) : 1,
    maxFramerate: quality.maxFramerate,
    maxBitrate: quality.maxBitrate,
  };
}

/** A refused quality is asked for again this often, this many times in all. */
const RETRY_MS = 500;
const ATTEMPTS = 3;

/**
 * A camera sender's quality, set only when it changes: reading a sender's parameters waits on
 * WebRTC's own thread, and the same quality is asked for again and again as tracks arrive and
 * connections come up (in a growing meeting, most of all while someone joins). The same call
 * keeps the resolution when bandwidth is short (as local-media.ts preferResolution does for a
 * shared screen): one trip to that thread, once connected, not one more during the set-up
 * (a newcomer's reads of its senders' parameters took 20-80 ms of a four-person set-up).
 */
export function createSendQualityApplier(retryMs = RETRY_MS) {
  let applied = '';
  let asked = 0; // which call asked last: a retry gives way to anything asked after it
  const apply = async (
    sender: RTCRtpSender,
    quality: SendQuality,
    attempt = 1,
    call = ++asked,
  ): Promise<void> => {
    const encoding = sendEncoding(quality, sender.track?.getSettings().width);
    const key = JSON.stringify(encoding);
    if (key === applied) return;
    const parameters = sender.getParameters();
    const [first] = parameters.encodings;
    // No encodings before the first negotiation: asked again once connected.
    if (!first) return;
    Object.assign(first, encoding);
    parameters.degradationPreference = 'maintain-resolution';
    applied = key;
    await sender.setParameters(parameters).catch(() => {
      if (applied === key) applied = '';
      // Refused (the sender changed meanwhile): again shortly, or the quality may never land.
      if (attempt >= ATTEMPTS) return;
      setTimeout(() => {
        if (call === asked) void apply(sender, quality, attempt + 1, call);
      }, retryMs);
    });
  };
  return (sender: RTCRtpSender, quality: SendQuality): Promise<void> => apply(sender, quality);
}
