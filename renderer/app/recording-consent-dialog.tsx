import { useId } from 'react';
import { useModalDialog } from './hooks/use-modal-dialog.ts';

/** The other party asks to record: nothing is recorded until we allow it. */
export function RecordingConsentDialog({
  peerName,
  onAnswer,
}: {
  peerName: string;
  onAnswer: (allow: boolean) => void;
}) {
  const titleId = useId();
  // Escape is a "no": recording needs a deliberate yes.
  const ref = useModalDialog(() => {
    onAnswer(false);
  });
  return (
    <dialog ref={ref} aria-modal="true" aria-labelledby={titleId} className="card dialog">
      <h2 id={titleId}>{peerName} wants to record this call</h2>
      <p>
        The recording is saved on {peerName}&apos;s computer. You will see a notice for as long as
        it runs.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            onAnswer(true);
          }}
        >
          Allow recording
        </button>
        <button
          type="button"
          autoFocus
          onClick={() => {
            onAnswer(false);
          }}
        >
          Don&apos;t allow
        </button>
      </div>
    </dialog>
  );
}
