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

/**
 * Applies it to a camera sender; a sender with no encodings yet keeps its defaults. The scale is
 * taken from what the camera captures now: a capture already at the meeting's size is sent as
 * it is, a larger one (a camera that could not be changed) is scaled down to it.
 */
export async function applySendQuality(sender: RTCRtpSender, quality: SendQuality): Promise<void> {
  const parameters = sender.getParameters();
  const [encoding] = parameters.encodings;
  if (!encoding) return;
  const captured = sender.track?.getSettings().width;
  const wanted = FULL_CAPTURE.width / quality.scaleResolutionDownBy;
  encoding.scaleResolutionDownBy = captured
    ? Math.max(1, captured / wanted)
    : quality.scaleResolutionDownBy;
  encoding.maxFramerate = quality.maxFramerate;
  encoding.maxBitrate = quality.maxBitrate;
  await sender.setParameters(parameters).catch(() => undefined);
}
