import type { ConnectionState } from '../../shared/bridge/contract.ts';
import type { CallEngine } from '../call/types.ts';
import { AlertNotice } from '../app/alert-notice.tsx';
import { CallStage } from '../app/call-stage.tsx';
import { useEngine } from '../app/hooks/use-engine.ts';
import { useFocusOnMount } from '../app/hooks/use-focus-on-mount.ts';
import { listInWords } from '../app/list-in-words.ts';
import { ParticipantList } from '../app/participant-list.tsx';
import { RecordingBanner } from '../app/recording-banner.tsx';
import { RecordingConsentDialog } from '../app/recording-consent-dialog.tsx';
import { GuestCallControls } from './guest-call-controls.tsx';

function callState(phase: string, names: string, connection: ConnectionState): string {
  if (connection.status === 'auth-failed') return "The connection to the meeting's server ended.";
  if (connection.status === 'reconnecting') return 'Reconnecting to the server…';
  if (phase === 'connecting') return `Connecting to ${names}…`;
  return '';
}

/** In the meeting: everyone's video (a shared screen large), recording notices, controls. */
export function GuestCallScreen({
  engine,
  connection,
  onLeave,
}: {
  engine: CallEngine;
  connection: ConnectionState;
  onLeave: () => void;
}) {
  const call = useEngine(engine);
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const names = listInWords(call.participants.map((p) => p.displayName)) || 'your advisor';
  const recorders = call.participants.filter((p) => p.recording).map((p) => p.displayName);
  const asker = call.recording.consentRequestedBy;
  return (
    <main className="screen call">
      <header className="bar call-bar">
        <h1 ref={headingRef} tabIndex={-1}>
          Meeting with {names}
        </h1>
        {/* Always present, so a change to "Reconnecting…" is announced. */}
        <p role="status" aria-label="Call connection" className="call-state">
          {callState(call.phase, names, connection)}
        </p>
      </header>
      {recorders.length > 0 && <RecordingBanner byMe={false} peerName={listInWords(recorders)} />}
      <AlertNotice
        messages={[call.local.deviceError, ...call.notices].filter((m): m is string => m !== null)}
        onDismiss={() => {
          engine.dismiss();
        }}
      />
      <CallStage call={call} speakerId={null} />
      <ParticipantList call={call} />
      <footer className="call-footer">
        <GuestCallControls call={call} engine={engine} onLeave={onLeave} />
      </footer>
      {asker && (
        <RecordingConsentDialog
          peerName={asker.displayName}
          onAnswer={(allow) => {
            engine.answerRecordingConsent(allow);
          }}
        />
      )}
    </main>
  );
}
