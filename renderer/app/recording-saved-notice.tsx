import { useState } from 'react';
import type { RecordingSummary } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { RecordingVerifyButton } from './recording-verify-button.tsx';

/** Where the last recording went, with "Show in folder" (main opens it; we only hold an id). */
export function RecordingSavedNotice({
  summary,
  onDismiss,
}: {
  summary: RecordingSummary;
  /** Absent when another Dismiss (the call outcome's) already clears it. */
  onDismiss?: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="notice-row saved">
      <p>
        Recording saved: <strong>{summary.fileName}</strong> in <span>{summary.folder}</span>
      </p>
      <button
        type="button"
        onClick={() => {
          void advisor.recording.reveal(summary.recordingId).then((result) => {
            setError(result.ok ? null : result.error.message);
          });
        }}
      >
        Show in folder
      </button>
      <RecordingVerifyButton recordingId={summary.recordingId} />
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
      {error && (
        <p role="status" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
