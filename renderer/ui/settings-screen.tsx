import { useEffect, useRef, useState } from 'react';
import type { SettingsView, UserSettings } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { VideoView } from './video-view.tsx';

const MANAGED = 'Managed by your IT team';

function useDevices(): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const refresh = () => {
      void navigator.mediaDevices.enumerateDevices().then(setDevices);
    };
    refresh();
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => {
      navigator.mediaDevices.removeEventListener('devicechange', refresh);
    };
  }, []);
  return devices;
}

/** A live preview of the chosen camera and a level meter for the chosen microphone. */
function usePreview(cameraId: string | null, microphoneId: string | null) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [level, setLevel] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let active = true;
    let current: MediaStream | null = null;
    let context: AudioContext | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    void navigator.mediaDevices
      .getUserMedia({
        video: cameraId ? { deviceId: { exact: cameraId } } : true,
        audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
      })
      .then((media) => {
        if (!active) {
          for (const track of media.getTracks()) track.stop();
          return;
        }
        current = media;
        setStream(media);
        setError(null);
        context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 512;
        context.createMediaStreamSource(media).connect(analyser);
        const samples = new Uint8Array(analyser.fftSize);
        timer = setInterval(() => {
          analyser.getByteTimeDomainData(samples);
          let peak = 0;
          for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
          setLevel(Math.min(100, Math.round((peak / 128) * 100)));
        }, 100);
      })
      .catch((e: unknown) => {
        setError(`Camera or microphone unavailable: ${(e as Error).name}`);
      });
    return () => {
      // Leaving Settings turns the camera off: no light left on.
      active = false;
      clearInterval(timer);
      for (const track of current?.getTracks() ?? []) track.stop();
      void context?.close();
    };
  }, [cameraId, microphoneId]);
  return { stream, level, error };
}

export function SettingsScreen({ view, onClose }: { view: SettingsView; onClose: () => void }) {
  const devices = useDevices();
  const { values, managed } = view;
  const { stream, level, error: previewError } = usePreview(values.cameraId, values.microphoneId);
  const [error, setError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  const save = (patch: Partial<UserSettings>) => {
    void advisor.settings.set(patch).then((result) => {
      setError(result.ok ? null : result.error.message);
    });
  };

  const select = (
    label: string,
    kind: MediaDeviceKind,
    key: 'cameraId' | 'microphoneId' | 'speakerId',
  ) => (
    <label>
      {label}
      <select
        value={values[key] ?? ''}
        onChange={(e) => {
          save({ [key]: e.target.value || null });
        }}
      >
        <option value="">System default</option>
        {devices
          .filter((d) => d.kind === kind && d.deviceId !== 'default')
          .map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </option>
          ))}
      </select>
    </label>
  );

  const check = (
    label: string,
    key: 'notifyIncomingCalls' | 'startMuted' | 'startWithCameraOff',
  ) => (
    <label className="check">
      <input
        type="checkbox"
        checked={values[key]}
        onChange={(e) => {
          save({ [key]: e.target.checked });
        }}
      />
      {label}
    </label>
  );

  return (
    <main className="settings">
      <header className="bar">
        <h1>Settings</h1>
        <button ref={closeRef} type="button" onClick={onClose}>
          Close settings
        </button>
      </header>
      {view.policyError && (
        <p role="alert" className="error">
          {view.policyError}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <section className="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Camera and sound</h2>
        {select('Camera', 'videoinput', 'cameraId')}
        {select('Microphone', 'audioinput', 'microphoneId')}
        {select('Speaker', 'audiooutput', 'speakerId')}
        {stream && <VideoView stream={stream} label="Camera preview" muted className="preview" />}
        {previewError && <p className="error">{previewError}</p>}
        <div className="meter-row">
          <span id="mic-level-label">Microphone level</span>
          <div
            role="meter"
            aria-labelledby="mic-level-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={level}
            className="meter"
          >
            <div style={{ width: `${level}%` }} />
          </div>
        </div>
      </section>
      <section className="card" aria-labelledby="calls-title">
        <h2 id="calls-title">Calls</h2>
        {check('Notify me of incoming calls', 'notifyIncomingCalls')}
        {check('Start calls muted', 'startMuted')}
        {check('Start calls with camera off', 'startWithCameraOff')}
      </section>
      <section className="card" aria-labelledby="recordings-title">
        <h2 id="recordings-title">Recordings</h2>
        <p>
          Recordings are saved on this computer only, in <strong>{view.recordingsFolder}</strong>
        </p>
        {managed.includes('recordingsFolder') ? (
          <p className="muted">{MANAGED}</p>
        ) : (
          <button
            type="button"
            onClick={() => {
              void advisor.settings.chooseRecordingsFolder().then((result) => {
                setError(result.ok ? null : result.error.message);
              });
            }}
          >
            Change folder
          </button>
        )}
        <p>
          Recording:{' '}
          {view.recordingPolicy === 'disabled'
            ? 'turned off'
            : view.recordingPolicy === 'consent-required'
              ? 'allowed when the other party agrees'
              : 'allowed'}
          {managed.includes('recordingPolicy') ? ` (${MANAGED})` : ''}
        </p>
      </section>
      <section className="card" aria-labelledby="server-title">
        <h2 id="server-title">Server</h2>
        <p>
          {values.serverUrl || 'Not set'}
          {managed.includes('serverUrl') ? ` (${MANAGED})` : ''}
        </p>
        <p>
          Automatic updates: {view.autoUpdate ? 'on' : 'off'}
          {managed.includes('autoUpdate') ? ` (${MANAGED})` : ''}
        </p>
      </section>
    </main>
  );
}
