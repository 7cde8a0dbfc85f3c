import { useEffect, useState } from 'react';
import type { RecordingPolicy } from '../../shared/bridge/contract.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { CallTimer } from './call-timer.tsx';
import { RecordingNotice } from './recording-notice.tsx';
import { ScreenPicker } from './screen-picker.tsx';
import { VideoView } from './video-view.tsx';

const isMac = navigator.platform.toLowerCase().includes('mac');
const MOD = isMac ? 'Meta' : 'Control';

export function OutgoingCall({ call, engine }: { call: CallSnapshot; engine: CallEngine }) {
  return (
    <main className="centered">
      <section className="card calling" aria-labelledby="calling-title">
        <h1 id="calling-title">Calling {call.peer?.displayName}…</h1>
        <p role="status">Ringing…</p>
        <button
          type="button"
          className="danger"
          onClick={() => {
            void engine.cancel();
          }}
        >
          Cancel
        </button>
      </section>
    </main>
  );
}

export function InCall({
  call,
  engine,
  recordingPolicy,
}: {
  call: CallSnapshot;
  engine: CallEngine;
  recordingPolicy: RecordingPolicy;
}) {
  const [picking, setPicking] = useState(false);
  const name = call.peer?.displayName ?? 'The other party';
  const { local, remote, recording } = call;

  // Teams/Meet shortcuts: Ctrl/Cmd+D mute, Ctrl/Cmd+E camera.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(isMac ? event.metaKey : event.ctrlKey)) return;
      const key = event.key.toLowerCase();
      if (key === 'd') {
        event.preventDefault();
        engine.setMuted(!engine.snapshot().local.muted);
      } else if (key === 'e') {
        event.preventDefault();
        engine.setCameraOff(!engine.snapshot().local.cameraOff);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [engine]);

  const recordingOn = recording.state === 'on' || recording.remoteRecording;
  return (
    <main className="call">
      <header className="bar">
        <h1>{name}</h1>
        <CallTimer since={call.activeSince} />
        {call.connection === 'reconnecting' && (
          <p role="status" className="warning">
            Reconnecting…
          </p>
        )}
        {call.quality && (
          <p
            role="status"
            aria-label="Connection quality"
            className={`quality ${call.quality.level}`}
          >
            {call.quality.summary}
            <span className="numbers">
              {' '}
              · {call.quality.rttMs === null ? '–' : Math.round(call.quality.rttMs)} ms round trip ·{' '}
              {call.quality.lossPct === null ? '–' : call.quality.lossPct.toFixed(1)} % loss ·{' '}
              {call.quality.bitrateKbps === null ? '–' : Math.round(call.quality.bitrateKbps)} kbps
              · {call.quality.width ? `${call.quality.width}x${call.quality.height ?? 0}` : '–'}
            </span>
          </p>
        )}
      </header>
      {recordingOn && (
        <p role="status" className="recording-banner">
          This call is being recorded
        </p>
      )}
      {recording.state === 'waiting-consent' && (
        <p className="notice">Waiting for {name} to allow recording…</p>
      )}
      {local.sharing && (
        <div className="share-bar">
          <span>You are sharing {local.shareLabel ?? 'your screen'}</span>
          <button
            type="button"
            onClick={() => {
              engine.stopScreenShare();
            }}
          >
            Stop sharing
          </button>
        </div>
      )}
      <div className="stage">
        {remote.sharing && remote.screen ? (
          <>
            <VideoView stream={remote.screen} label={`${name}'s screen`} className="remote" />
            {remote.camera && (
              <VideoView
                stream={remote.camera}
                label={`${name}'s camera`}
                className="remote-side"
              />
            )}
          </>
        ) : (
          remote.camera && (
            <VideoView stream={remote.camera} label={`${name}'s video`} className="remote" />
          )
        )}
        {local.camera && (
          <VideoView stream={local.camera} label="Your camera" muted className="self" />
        )}
      </div>
      <div className="peer-state">
        {remote.muted && <p>{name} is muted</p>}
        {remote.cameraOff && <p>{name}&apos;s camera is off</p>}
      </div>
      <RecordingNotice
        recording={recording}
        onDismiss={() => {
          engine.dismiss();
        }}
      />
      <nav className="controls" aria-label="Call controls">
        <button
          type="button"
          aria-keyshortcuts={`${MOD}+D`}
          title={`${isMac ? '⌘' : 'Ctrl'}+D`}
          onClick={() => {
            engine.setMuted(!local.muted);
          }}
        >
          {local.muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          aria-keyshortcuts={`${MOD}+E`}
          title={`${isMac ? '⌘' : 'Ctrl'}+E`}
          onClick={() => {
            engine.setCameraOff(!local.cameraOff);
          }}
        >
          {local.cameraOff ? 'Turn camera on' : 'Turn camera off'}
        </button>
        {!local.sharing && (
          <button
            type="button"
            disabled={call.phase !== 'active'}
            onClick={() => {
              setPicking(true);
            }}
          >
            Share screen
          </button>
        )}
        {recordingPolicy === 'disabled' ? (
          <span className="muted">Recording is turned off by your IT team</span>
        ) : recording.state === 'on' || recording.state === 'stopping' ? (
          <button
            type="button"
            disabled={recording.state === 'stopping'}
            onClick={() => {
              void engine.stopRecording();
            }}
          >
            Stop recording
          </button>
        ) : (
          <button
            type="button"
            disabled={call.phase !== 'active' || recording.state !== 'off'}
            onClick={() => {
              void engine.startRecording();
            }}
          >
            Start recording
          </button>
        )}
        <button
          type="button"
          className="danger"
          onClick={() => {
            void engine.hangUp();
          }}
        >
          Hang up
        </button>
      </nav>
      {picking && (
        <ScreenPicker
          onShare={(source) => engine.startScreenShare(source.name)}
          onClose={() => {
            setPicking(false);
          }}
        />
      )}
      {recording.consentRequested && (
        <div className="overlay">
          <div
            role="dialog"
            aria-modal="true"
            aria-label={`${name} wants to record this call`}
            className="card dialog"
          >
            <h2>{name} wants to record this call</h2>
            <p>The recording stays on their computer.</p>
            <div className="actions">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  engine.answerRecordingConsent(true);
                }}
              >
                Allow recording
              </button>
              <button
                type="button"
                onClick={() => {
                  engine.answerRecordingConsent(false);
                }}
              >
                Don&apos;t allow
              </button>
            </div>
          </div>
        </div>
      )}
    </main>
  );
}
