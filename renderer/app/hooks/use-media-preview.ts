/**
 * A live camera preview and a microphone level (0–100) for the Settings screen, from the chosen
 * devices. Every track is stopped when the devices change or the screen closes: no camera light
 * left on.
 */
import { useEffect, useState } from 'react';
import { describeMediaError } from '../../call/local-media.ts';

export interface MediaPreview {
  stream: MediaStream | null;
  level: number;
  error: string | null;
}

/** Level from the signal's RMS in dBFS: -60 dB (silence) → 0, 0 dB (full scale) → 100. */
function levelOf(samples: Float32Array<ArrayBuffer>): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100)));
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
    let context: AudioContext | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;

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
        if (opened.getAudioTracks().length === 0) return;
        context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 1024;
        context.createMediaStreamSource(opened).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        timer = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          setLevel(levelOf(samples));
        }, 100);
      })
      .catch((failure: unknown) => {
        if (!stopped) setError(describeMediaError(failure));
      });

    return () => {
      stopped = true;
      clearInterval(timer);
      for (const track of media?.getTracks() ?? []) track.stop();
      void context?.close().catch(() => undefined);
      setStream(null);
      setLevel(0);
    };
    // onStarted is a notification only: a new function must not reopen the camera.
  }, [cameraId, microphoneId]);

  return { stream, level, error };
}
