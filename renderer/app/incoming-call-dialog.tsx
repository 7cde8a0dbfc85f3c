import { useEffect, useId, useRef } from 'react';
import { advisor } from '../bridge.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { useModalDialog } from './hooks/use-modal-dialog.ts';
import { useRingTone } from './hooks/use-ring-tone.ts';
import { listInWords } from './list-in-words.ts';

/** Someone rings us: over whatever screen is showing, until we answer or decline, or they stop. */
export function IncomingCallDialog({
  call,
  engine,
  notify,
}: {
  call: CallSnapshot;
  engine: CallEngine;
  /** Settings: "Notify me of incoming calls" (main shows it only when the window is not in front). */
  notify: boolean;
}) {
  const name = call.peer?.displayName ?? 'a colleague';
  const { callId } = call;
  const others = call.invitedWith.map((p) => p.displayName);
  const titleId = useId();
  const answerRef = useRef<HTMLButtonElement>(null);
  // Escape must not decline by accident: the buttons say what happens.
  const ref = useModalDialog();
  useRingTone(true);

  // Once per call, however often React re-runs effects.
  const notified = useRef<string | null>(null);
  useEffect(() => {
    if (!callId || !notify || notified.current === callId) return;
    notified.current = callId;
    void advisor.app.notifyIncomingCall({ callId, callerName: name });
  }, [callId, name, notify]);

  // The OS notification was clicked: main brought the window forward; be ready to answer.
  useEffect(
    () =>
      advisor.on('app:incoming-call-clicked', (clicked) => {
        if (clicked.callId === callId) answerRef.current?.focus();
      }),
    [callId],
  );

  return (
    <dialog ref={ref} aria-modal="true" aria-labelledby={titleId} className="card dialog incoming">
      <h2 id={titleId}>
        Incoming call from {name}
        {others.length > 0 ? ` with ${listInWords(others)}` : ''}
      </h2>
      <p className="caller" aria-hidden="true">
        {name}
      </p>
      <div className="actions">
        <button
          ref={answerRef}
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
    </dialog>
  );
}
