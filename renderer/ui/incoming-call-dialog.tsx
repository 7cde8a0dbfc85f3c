import { useEffect } from 'react';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { advisor } from '../bridge.ts';
import { startRingTone } from './ring-tone.ts';

export function IncomingCallDialog({ call, engine }: { call: CallSnapshot; engine: CallEngine }) {
  const name = call.peer?.displayName ?? 'Someone';
  const { callId } = call;
  useEffect(() => {
    const stop = startRingTone();
    if (callId) void advisor.app.notifyIncomingCall({ callId, callerName: name });
    return stop;
  }, [callId, name]);
  return (
    <div className="overlay">
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`Incoming call from ${name}`}
        className="card dialog"
      >
        <h2>Incoming call</h2>
        <p className="caller">{name}</p>
        <div className="actions">
          <button
            type="button"
            className="primary"
            autoFocus
            onClick={() => {
              void engine.answer();
            }}
          >
            Answer
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              void engine.decline();
            }}
          >
            Decline
          </button>
        </div>
      </div>
    </div>
  );
}
