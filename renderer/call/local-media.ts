/** Camera and microphone capture with the advisor's chosen devices. */
import { captureFor, sendQualityFor, type Capture } from './send-quality.ts';
import type { DeviceChoice } from './types.ts';

/** What a call of two captures (a meeting asks less: send-quality.ts). */
export const CALL_CAPTURE = captureFor(sendQualityFor(2));

/**
 * What is asked of any camera for `capture` (a chosen device id is added to these). The size is
 * only ideal (a camera that has no such mode gives its nearest); the rate is a ceiling too,
 * which any camera meets by dropping frames.
 */
export function cameraConstraints(capture: Capture): MediaTrackConstraints {
  return {
    width: { ideal: capture.width },
    height: { ideal: capture.height },
    frameRate: { ideal: capture.frameRate, max: capture.frameRate },
  };
}
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };

export async function openCameraAndMic(
  devices: DeviceChoice,
  capture: Capture = CALL_CAPTURE,
): Promise<MediaStream> {
  const camera = cameraConstraints(capture);
  const video: MediaTrackConstraints = { ...camera };
  const audio: MediaTrackConstraints = { ...MICROPHONE };
  if (devices.cameraId) video.deviceId = { exact: devices.cameraId };
  if (devices.microphoneId) audio.deviceId = { exact: devices.microphoneId };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio });
  } catch (error) {
    // A chosen device that was unplugged: fall back to the system default rather than fail the call.
    if ((error as DOMException).name === 'OverconstrainedError') {
      return navigator.mediaDevices.getUserMedia({ video: camera, audio: MICROPHONE });
    }
    throw error;
  }
}

export function describeMediaError(error: unknown): string {
  const name = (error as DOMException | undefined)?.name ?? '';
  if (name === 'NotAllowedError')
    return 'The app is not allowed to use your camera or microphone. Allow it in your system settings.';
  if (name === 'NotFoundError')
    return 'No camera or microphone was found. Connect one and try again.';
  if (name === 'NotReadableError') return 'Your camera or microphone is in use by another app.';
  return `Could not start your camera or microphone (${name || String(error)}).`;
}

/** Keeps the resolution when bandwidth is short (text on a shared screen must stay readable). */
export async function preferResolution(sender: RTCRtpSender): Promise<void> {
  const parameters = sender.getParameters();
  parameters.degradationPreference = 'maintain-resolution';
  await sender.setParameters(parameters).catch(() => undefined);
}

/**
 * Camera and microphone for a call; when the camera cannot be opened (refused, missing, in use
 * by another app) the call goes on with sound only, and `cameraProblem` says why.
 */
export async function openForCall(
  devices: DeviceChoice,
  capture: Capture = CALL_CAPTURE,
): Promise<{ stream: MediaStream; cameraProblem: string | null }> {
  try {
    return { stream: await openCameraAndMic(devices, capture), cameraProblem: null };
  } catch (error) {
    const audio: MediaTrackConstraints = { ...MICROPHONE };
    if (devices.microphoneId) audio.deviceId = { ideal: devices.microphoneId };
    const stream = await navigator.mediaDevices.getUserMedia({ audio }).catch(() => {
      throw error; // no microphone either: the first error says what is wrong
    });
    return {
      stream,
      cameraProblem: `${describeMediaError(error)} You joined with sound only.`,
    };
  }
}
