/**
 * The lobby's camera preview and microphone level, from the chosen devices. A camera that cannot
 * be had leaves sound only (and says why); without a microphone the guest cannot join. Every
 * track stops when the choice changes or the lobby closes: no camera light left on.
 */
import { useEffect, useState } from 'react';
import { watchLevel } from '../call/mic-level.ts';

export interface LobbyMedia {
  stream: MediaStream | null;
  level: number;
  /** Why the camera cannot be used (the guest can still join with sound only). */
  cameraProblem: string | null;
  /** Why there is no microphone: joining needs one. */
  micProblem: string | null;
  /** Asks the browser again (after the guest allowed access or plugged a device in). */
  retry: () => void;
}

export const INSECURE_PAGE =
  'This page can use your camera and microphone only over a secure (https) connection. Ask your advisor for the right link.';

function why(error: unknown, device: 'camera' | 'microphone'): string {
  const name = (error as DOMException | undefined)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return `Your browser is not allowed to use your ${device}. Allow it for this page (usually in the address bar), then try again.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${device} was found.`;
  if (name === 'NotReadableError' || name === 'AbortError')
    return `Your ${device} is in use by another app.`;
  return `Your ${device} could not be started.`;
}

class NoMicrophone extends Error {}

const pick = (id: string | null): MediaTrackConstraints | boolean =>
  id ? { deviceId: { exact: id } } : true;

async function openPreview(
  cameraId: string | null,
  microphoneId: string | null,
): Promise<{ stream: MediaStream; cameraProblem: string | null }> {
  const media = navigator.mediaDevices;
  try {
    const stream = await media.getUserMedia({ video: pick(cameraId), audio: pick(microphoneId) });
    return { stream, cameraProblem: null };
  } catch (error) {
    // A chosen device that is gone: the defaults instead.
    if ((error as DOMException).name === 'OverconstrainedError' && (cameraId || microphoneId))
      return openPreview(null, null);
    const stream = await media
      .getUserMedia({ audio: pick(microphoneId) })
      .catch((micError: unknown) => {
        throw new NoMicrophone(`You need a microphone to join. ${why(micError, 'microphone')}`);
      });
    return { stream, cameraProblem: `${why(error, 'camera')} You can still join with sound only.` };
  }
}

export function useLobbyMedia(
  cameraId: string | null,
  microphoneId: string | null,
  onOpened: () => void,
): LobbyMedia {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [level, setLevel] = useState(0);
  const [cameraProblem, setCameraProblem] = useState<string | null>(null);
  const [micProblem, setMicProblem] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // navigator.mediaDevices exists only in a secure context (https or localhost).
    if (typeof navigator.mediaDevices === 'undefined') {
      setMicProblem(INSECURE_PAGE);
      return;
    }
    let stopped = false;
    let media: MediaStream | null = null;
    let stopLevel: () => void = () => undefined;
    openPreview(cameraId, microphoneId).then(
      (opened) => {
        if (stopped) {
          for (const track of opened.stream.getTracks()) track.stop();
          return;
        }
        media = opened.stream;
        setStream(opened.stream);
        setCameraProblem(opened.cameraProblem);
        setMicProblem(null);
        stopLevel = watchLevel(opened.stream, setLevel);
        onOpened();
      },
      (error: unknown) => {
        if (stopped) return;
        setCameraProblem(null);
        setMicProblem(error instanceof NoMicrophone ? error.message : why(error, 'microphone'));
      },
    );
    return () => {
      stopped = true;
      stopLevel();
      for (const track of media?.getTracks() ?? []) track.stop();
      setStream(null);
      setLevel(0);
    };
    // onOpened is a notification only: a new function must not reopen the camera.
  }, [cameraId, microphoneId, attempt]);

  return {
    stream,
    level,
    cameraProblem,
    micProblem,
    retry: () => {
      setAttempt((n) => n + 1);
    },
  };
}
