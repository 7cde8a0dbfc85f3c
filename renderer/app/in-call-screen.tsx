import { useCallback, useState } from 'react';
import type {
  ConnectionState,
  RecordingPolicy,
  SettingsView,
} from '../../shared/bridge/contract.ts';
import type { Circle } from '../../shared/protocol/rest.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { AddPeopleDialog } from './add-people-dialog.tsx';
import { AlertNotice } from './alert-notice.tsx';
import { CallControls } from './call-controls.tsx';
import { CallStage } from './call-stage.tsx';
import { CallTimer } from './call-timer.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import { useCallShortcuts } from './hooks/use-call-shortcuts.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';
import { InCallDevices } from './in-call-devices.tsx';
import { listInWords } from './list-in-words.ts';
import { ParticipantList } from './participant-list.tsx';
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
  circles,
  me,
}: {
  call: CallSnapshot;
  engine: CallEngine;
  connection: ConnectionState;
  settings: SettingsView | null;
  circles: Circle[];
  me: string | null;
}) {
  const recordingPolicy: RecordingPolicy = settings?.recordingPolicy ?? 'disabled';
  const speakerId = settings?.values.speakerId ?? null;
  const [picking, setPicking] = useState(false);
  const [adding, setAdding] = useState(false);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const { local, recording, participants } = call;
  const nameOf = (id: string) => participants.find((p) => p.id === id)?.displayName ?? id;
  const names = participants.map((p) => p.displayName);
  const name = names.length > 0 ? listInWords(names) : 'The other party';
  const active = call.phase === 'active';
  const recorders = participants.filter((p) => p.recording).map((p) => p.displayName);
  const sharingButNoScreen = participants.find((p) => p.sharing && !p.screen);
  const startPicking = useCallback(() => {
    setPicking(true);
  }, []);

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
  const recordingOn = recording.state === 'on' || recorders.length > 0;

  return (
    <div className="screen call">
      <header className="bar call-bar">
        <h1 ref={headingRef} tabIndex={-1}>
          {participants.length > 1 ? `Meeting with ${name}` : name}
        </h1>
        <CallTimer since={call.activeSince} />
        {/* Always present, so the change to "Reconnecting…" is announced. */}
        <p role="status" aria-label="Call connection" className="call-state">
          {callState}
        </p>
        <ConnectionStatus connection={connection} />
      </header>

      {recordingOn && (
        <RecordingBanner
          byMe={recording.state === 'on'}
          peerName={listInWords(recorders.length > 0 ? recorders : names)}
        />
      )}
      {recording.state === 'waiting-consent' && (
        <p role="status" className="notice">
          Waiting for {listInWords(recording.awaitingConsentFrom.map(nameOf))} to allow recording…
        </p>
      )}
      {local.sharing && <ShareBar label={local.shareLabel} engine={engine} />}
      <AlertNotice
        messages={[recording.error, local.deviceError, ...call.notices].filter(
          (m): m is string => m !== null,
        )}
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

      <CallStage call={call} speakerId={speakerId} />
      <ParticipantList call={call} />

      <footer className="call-footer">
        <QualityIndicator quality={call.quality} />
        <CallControls
          local={local}
          recording={recording}
          active={active}
          peerName={call.peer?.displayName ?? null}
          engine={engine}
          recordingPolicy={recordingPolicy}
          onShareScreen={startPicking}
        />
        <button
          type="button"
          disabled={!active}
          onClick={() => {
            setAdding(true);
          }}
        >
          Add people
        </button>
        <InCallDevices settings={settings} />
      </footer>

      {adding && (
        <AddPeopleDialog
          call={call}
          circles={circles}
          me={me}
          engine={engine}
          onClose={() => {
            setAdding(false);
          }}
        />
      )}

      {picking && active && !local.sharing && (
        <ScreenSharePicker
          onShare={(source, withSound) => engine.startScreenShare(source.name, withSound)}
          onClose={() => {
            setPicking(false);
          }}
        />
      )}
      {recording.consentRequestedBy && (
        <RecordingConsentDialog
          peerName={recording.consentRequestedBy.displayName}
          onAnswer={(allow) => {
            engine.answerRecordingConsent(allow);
          }}
        />
      )}
      {sharingButNoScreen && (
        <p className="muted small">
          {sharingButNoScreen.displayName} is starting to share their screen…
        </p>
      )}
    </div>
  );
}
