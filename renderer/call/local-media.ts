/** Camera and microphone capture with the advisor's chosen devices. */
import type { DeviceChoice } from './types.ts';

/** What is asked of any camera and microphone (a chosen device id is added to these). */
const CAMERA: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };

export async function openCameraAndMic(devices: DeviceChoice): Promise<MediaStream> {
  const video: MediaTrackConstraints = { ...CAMERA };
  const audio: MediaTrackConstraints = { ...MICROPHONE };
  if (devices.cameraId) video.deviceId = { exact: devices.cameraId };
  if (devices.microphoneId) audio.deviceId = { exact: devices.microphoneId };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio });
  } catch (error) {
    // A chosen device that was unplugged: fall back to the system default rather than fail the call.
    if ((error as DOMException).name === 'OverconstrainedError') {
      return navigator.mediaDevices.getUserMedia({ video: CAMERA, audio: MICROPHONE });
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
): Promise<{ stream: MediaStream; cameraProblem: string | null }> {
  try {
    return { stream: await openCameraAndMic(devices), cameraProblem: null };
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
