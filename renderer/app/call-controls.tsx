import { memo } from 'react';
import type { RecordingPolicy } from '../../shared/bridge/contract.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { SHORTCUTS } from './hooks/use-call-shortcuts.ts';
import { InviteClientButton } from './invite-client-button.tsx';

/**
 * Mute, camera, share, record, invite a client, hang up. Labels say what a click does. Takes
 * only the parts of the call it shows, so the call's other changes (who speaks, the quality
 * every second) do not render it again.
 */
export const CallControls = memo(function CallControls({
  local,
  recording,
  active,
  peerName,
  engine,
  recordingPolicy,
  onShareScreen,
}: {
  local: CallSnapshot['local'];
  recording: CallSnapshot['recording'];
  active: boolean;
  /** Who is asked first when recording needs consent. */
  peerName: string | null;
  engine: CallEngine;
  recordingPolicy: RecordingPolicy;
  onShareScreen: () => void;
}) {
  let record;
  if (recordingPolicy === 'disabled') {
    record = <span className="muted small">Recording is turned off by your IT team</span>;
  } else if (recording.state === 'on' || recording.state === 'stopping') {
    record = (
      <button
        type="button"
        className="recording"
        disabled={recording.state === 'stopping'}
        onClick={() => {
          void engine.stopRecording();
        }}
      >
        Stop recording
      </button>
    );
  } else if (recording.state === 'waiting-consent') {
    record = (
      <button
        type="button"
        onClick={() => {
          void engine.stopRecording();
        }}
      >
        Withdraw recording request
      </button>
    );
  } else {
    record = (
      <button
        type="button"
        disabled={!active || recording.state !== 'off'}
        title={
          recordingPolicy === 'consent-required'
            ? `${peerName ?? 'The other party'} is asked first`
            : undefined
        }
        onClick={() => {
          void engine.startRecording();
        }}
      >
        Start recording
      </button>
    );
  }

  return (
    <div role="group" aria-label="Call controls" className="controls">
      <button
        type="button"
        aria-keyshortcuts={SHORTCUTS.mute.aria}
        title={`${local.muted ? 'Unmute' : 'Mute'} (${SHORTCUTS.mute.text})`}
        onClick={() => {
          engine.setMuted(!local.muted);
        }}
      >
        {local.muted ? 'Unmute' : 'Mute'}
      </button>
      <button
        type="button"
        aria-keyshortcuts={SHORTCUTS.camera.aria}
        title={`${local.cameraOff ? 'Turn camera on' : 'Turn camera off'} (${SHORTCUTS.camera.text})`}
        onClick={() => {
          engine.setCameraOff(!local.cameraOff);
        }}
      >
        {local.cameraOff ? 'Turn camera on' : 'Turn camera off'}
      </button>
      {/* While sharing, the sharing bar's "Stop sharing" is the one control for it. */}
      {!local.sharing && (
        <button
          type="button"
          disabled={!active}
          aria-keyshortcuts={SHORTCUTS.share.aria}
          title={`Share screen (${SHORTCUTS.share.text})`}
          onClick={onShareScreen}
        >
          Share screen
        </button>
      )}
      {record}
      <InviteClientButton />
      <button
        type="button"
        className="danger"
        onClick={() => {
          void engine.hangUp();
        }}
      >
        Hang up
      </button>
    </div>
  );
});
