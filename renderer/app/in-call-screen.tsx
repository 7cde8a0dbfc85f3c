import { useState } from 'react';
import type {
  ConnectionState,
  RecordingPolicy,
  SettingsView,
} from '../../shared/bridge/contract.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { AlertNotice } from './alert-notice.tsx';
import { CallControls } from './call-controls.tsx';
import { CallStage } from './call-stage.tsx';
import { CallTimer } from './call-timer.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { useCallShortcuts } from './hooks/use-call-shortcuts.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';
import { InCallDevices } from './in-call-devices.tsx';
import { QualityIndicator } from './quality-indicator.tsx';
import { RecordingBanner } from './recording-banner.tsx';
import { RecordingConsentDialog } from './recording-consent-dialog.tsx';
import { RecordingSavedNotice } from './recording-saved-notice.tsx';
import { ScreenSharePicker } from './screen-share-picker.tsx';
import { ShareBar } from './share-bar.tsx';

/** Connecting and active calls: the videos, what is going on, and the controls. */
export function InCallScreen({
  call,
  engine,
  connection,
  settings,
}: {
  call: CallSnapshot;
  engine: CallEngine;
  connection: ConnectionState;
  settings: SettingsView | null;
}) {
  const recordingPolicy: RecordingPolicy = settings?.recordingPolicy ?? 'disabled';
  const speakerId = settings?.values.speakerId ?? null;
  const [picking, setPicking] = useState(false);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const name = call.peer?.displayName ?? 'The other party';
  const { local, remote, recording } = call;
  const active = call.phase === 'active';

  useCallShortcuts({
    toggleMute: () => {
      engine.setMuted(!engine.snapshot().local.muted);
    },
    toggleCamera: () => {
      engine.setCameraOff(!engine.snapshot().local.cameraOff);
    },
    toggleShare: () => {
      const now = engine.snapshot();
      if (now.local.sharing) engine.stopScreenShare();
      else if (now.phase === 'active') setPicking(true);
    },
  });

  const callState =
    call.phase === 'connecting'
      ? `Connecting to ${name}…`
      : call.connection === 'reconnecting'
        ? 'Reconnecting… the picture may pause for a moment.'
        : '';
  const recordingOn = recording.state === 'on' || recording.remoteRecording;

  return (
    <div className="screen call">
      <header className="bar call-bar">
        <h1 ref={headingRef} tabIndex={-1}>
          {name}
        </h1>
        <CallTimer since={call.activeSince} />
        {/* Always present, so the change to "Reconnecting…" is announced. */}
        <p role="status" aria-label="Call connection" className="call-state">
          {callState}
        </p>
        <ConnectionStatus connection={connection} />
      </header>

      {recordingOn && <RecordingBanner byMe={recording.state === 'on'} peerName={name} />}
      {recording.state === 'waiting-consent' && (
        <p role="status" className="notice">
          Waiting for {name} to allow recording…
        </p>
      )}
      {local.sharing && <ShareBar label={local.shareLabel} engine={engine} />}
      <AlertNotice
        messages={[recording.error, local.deviceError].filter((m): m is string => m !== null)}
        onDismiss={() => {
          engine.dismiss();
        }}
      />
      {recording.lastSummary && (
        <RecordingSavedNotice
          summary={recording.lastSummary}
          onDismiss={
            recording.error
              ? undefined
              : () => {
                  engine.dismiss();
                }
          }
        />
      )}

      <CallStage call={call} name={name} speakerId={speakerId} />

      <footer className="call-footer">
        <QualityIndicator quality={call.quality} />
        <CallControls
          call={call}
          engine={engine}
          recordingPolicy={recordingPolicy}
          onShareScreen={() => {
            setPicking(true);
          }}
        />
        <InCallDevices settings={settings} />
      </footer>

      {picking && active && !local.sharing && (
        <ScreenSharePicker
          onShare={(source, withSound) => engine.startScreenShare(source.name, withSound)}
          onClose={() => {
            setPicking(false);
          }}
        />
      )}
      {recording.consentRequested && (
        <RecordingConsentDialog
          peerName={name}
          onAnswer={(allow) => {
            engine.answerRecordingConsent(allow);
          }}
        />
      )}
      {remote.sharing && !remote.screen && (
        <p className="muted small">{name} is starting to share their screen…</p>
      )}
    </div>
  );
}
