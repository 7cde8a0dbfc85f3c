/**
 * A live camera preview and a microphone level (0–100) for the Settings screen, from the chosen
 * devices. Every track is stopped when the devices change or the screen closes: no camera light
 * left on.
 */
import { useEffect, useState } from 'react';
import { describeMediaError } from '../../call/local-media.ts';
import { watchLevel } from '../../call/mic-level.ts';

export interface MediaPreview {
  stream: MediaStream | null;
  level: number;
  error: string | null;
}

export function useMediaPreview(
  cameraId: string | null,
  microphoneId: string | null,
  onStarted: () => void,
): MediaPreview {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let media: MediaStream | null = null;
    let stopLevel = (): void => undefined;

    const open = async (): Promise<MediaStream> => {
      try {
        return await navigator.mediaDevices.getUserMedia({
          video: cameraId ? { deviceId: { exact: cameraId } } : true,
          audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
        });
      } catch (failure) {
        // A saved device that is unplugged: preview the system default instead.
        if ((failure as DOMException).name !== 'OverconstrainedError') throw failure;
        return navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      }
    };

    open()
      .then((opened) => {
        if (stopped) {
          for (const track of opened.getTracks()) track.stop();
          return;
        }
        media = opened;
        setStream(opened);
        setError(null);
        onStarted();
        stopLevel = watchLevel(opened, setLevel);
      })
      .catch((failure: unknown) => {
        if (!stopped) setError(describeMediaError(failure));
      });

    return () => {
      stopped = true;
      stopLevel();
      for (const track of media?.getTracks() ?? []) track.stop();
      setStream(null);
      setLevel(0);
    };
    // onStarted is a notification only: a new function must not reopen the camera.
  }, [cameraId, microphoneId]);

  return { stream, level, error };
}
