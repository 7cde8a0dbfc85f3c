/**
 * What each participant sends grows cheaper as the meeting grows, as Meet and Teams do: in a
 * full mesh every camera is encoded once per other participant, so four people at 720p30 would
 * be three 720p encodes each. Two: 1280x720 at 30 fps; three: 960x540 at 24; four: 640x360 at 20.
 */
export interface SendQuality {
  scaleResolutionDownBy: number;
  maxFramerate: number;
  maxBitrate: number;
}

export function sendQualityFor(people: number): SendQuality {
  if (people <= 2) return { scaleResolutionDownBy: 1, maxFramerate: 30, maxBitrate: 1_500_000 };
  if (people === 3) return { scaleResolutionDownBy: 4 / 3, maxFramerate: 24, maxBitrate: 800_000 };
  return { scaleResolutionDownBy: 2, maxFramerate: 20, maxBitrate: 450_000 };
}

/** Applies it to a camera sender; a sender with no encodings yet keeps its defaults. */
export async function applySendQuality(sender: RTCRtpSender, quality: SendQuality): Promise<void> {
  const parameters = sender.getParameters();
  const [encoding] = parameters.encodings;
  if (!encoding) return;
  encoding.scaleResolutionDownBy = quality.scaleResolutionDownBy;
  encoding.maxFramerate = quality.maxFramerate;
  encoding.maxBitrate = quality.maxBitrate;
  await sender.setParameters(parameters).catch(() => undefined);
}
