import { useState } from 'react';
import type { SettingsView, UserSettings } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { AlertNotice } from './alert-notice.tsx';
import { DeviceSelects } from './device-selects.tsx';
import { useDevices } from './hooks/use-devices.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';
import { useMediaPreview } from './hooks/use-media-preview.ts';
import { MicLevelMeter } from './mic-level-meter.tsx';
import { RecordingsFolderWarning } from './recordings-folder-warning.tsx';
import { SettingCheckbox } from './setting-checkbox.tsx';
import { VideoView } from './video-view.tsx';

const MANAGED = 'Managed by your IT team';

const POLICY_WORDS: Record<SettingsView['recordingPolicy'], string> = {
  disabled: 'Recording is turned off.',
  allowed: 'You may record calls; the other party always sees that the call is recorded.',
  'consent-required': 'You may record a call once the other party allows it.',
};

export function SettingsScreen({ view, onClose }: { view: SettingsView; onClose: () => void }) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { devices, refresh } = useDevices();
  const { values, managed } = view;
  // Device names are hidden until camera access is granted: list again once the preview runs.
  const preview = useMediaPreview(values.cameraId, values.microphoneId, refresh);
  const [error, setError] = useState<string | null>(null);
  const [diagnosticsCopied, setDiagnosticsCopied] = useState(false);
  const isManaged = (key: string) => managed.includes(key);

  const save = (patch: Partial<UserSettings>) => {
    void advisor.settings.set(patch).then((result) => {
      setError(result.ok ? null : result.error.message);
    });
  };

  const copyDiagnostics = () => {
    setDiagnosticsCopied(false);
    void advisor.app.copyDiagnostics().then((result) => {
      setDiagnosticsCopied(result.ok);
      setError(result.ok ? null : result.error.message);
    });
  };

  const messages = [view.policyError, error].filter((m): m is string => Boolean(m));

  return (
    <div className="screen settings">
      <header className="bar">
        <h1 ref={headingRef} tabIndex={-1}>
          Settings
        </h1>
        <div className="bar-actions">
          <button type="button" onClick={onClose}>
            Close settings
          </button>
        </div>
      </header>

      <AlertNotice
        messages={messages}
        onDismiss={
          error
            ? () => {
                setError(null);
              }
            : undefined
        }
      />

      <section className="card" aria-labelledby="settings-devices">
        <h2 id="settings-devices">Camera and sound</h2>
        <div className="devices">
          <div className="device-fields">
            <DeviceSelects view={view} devices={devices} save={save} />
            <MicLevelMeter level={preview.level} />
          </div>
          <div className="preview">
            {preview.stream ? (
              <VideoView
                stream={preview.stream}
                label="Camera preview"
                muted
                className="preview-video"
              />
            ) : (
              <p className="preview-placeholder">
                {preview.error ?? 'Starting the camera preview…'}
              </p>
            )}
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby="settings-calls">
        <h2 id="settings-calls">Calls</h2>
        <SettingCheckbox
          label="Notify me of incoming calls"
          checked={values.notifyIncomingCalls}
          managed={isManaged('notifyIncomingCalls')}
          onChange={(notifyIncomingCalls) => {
            save({ notifyIncomingCalls });
          }}
        />
        <SettingCheckbox
          label="Start calls muted"
          checked={values.startMuted}
          managed={isManaged('startMuted')}
          onChange={(startMuted) => {
            save({ startMuted });
          }}
        />
        <SettingCheckbox
          label="Start calls with camera off"
          checked={values.startWithCameraOff}
          managed={isManaged('startWithCameraOff')}
          onChange={(startWithCameraOff) => {
            save({ startWithCameraOff });
          }}
        />
      </section>

      <section className="card" aria-labelledby="settings-recordings">
        <h2 id="settings-recordings">Recordings</h2>
        <p>
          {POLICY_WORDS[view.recordingPolicy]}
          {isManaged('recordingPolicy') && <span className="muted"> ({MANAGED})</span>}
        </p>
        <p>Recordings stay on this computer, in:</p>
        <p className="path">{view.recordingsFolder}</p>
        <RecordingsFolderWarning folder={view.recordingsFolder} />
        {isManaged('recordingsFolder') ? (
          <p className="muted">{MANAGED}</p>
        ) : (
          <button
            type="button"
            onClick={() => {
              void advisor.settings.chooseRecordingsFolder().then((result) => {
                // Closing the folder chooser is not a problem worth reporting.
                if (result.ok || result.error.code === 'cancelled') setError(null);
                else setError(result.error.message);
              });
            }}
          >
            Change folder
          </button>
        )}
      </section>

      <section className="card" aria-labelledby="settings-server">
        <h2 id="settings-server">Server and updates</h2>
        <dl className="facts">
          <dt>Server</dt>
          <dd>
            {values.serverUrl || 'Not set'}
            {isManaged('serverUrl') && <span className="muted"> ({MANAGED})</span>}
          </dd>
          <dt>Automatic updates</dt>
          <dd>
            {view.autoUpdate ? 'On' : 'Off'}
            {isManaged('autoUpdate') && <span className="muted"> ({MANAGED})</span>}
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="settings-help">
        <h2 id="settings-help">Help</h2>
        <p>
          For your IT team: a report of the app version, this computer, the policy in force and
          recent errors. It holds no password or sign-in token.
        </p>
        <button type="button" onClick={copyDiagnostics}>
          Copy diagnostics
        </button>
        {/* Always there, so "Diagnostics copied" is announced when it appears. */}
        <p role="status" className="copied">
          {diagnosticsCopied ? 'Diagnostics copied' : ''}
        </p>
      </section>
    </div>
  );
}
