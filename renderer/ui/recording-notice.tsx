import type { RecordingView } from '../call/types.ts';
import { advisor } from '../bridge.ts';

/** Where the last recording went, with "Show in folder"; and recording problems. */
export function RecordingNotice({
  recording,
  onDismiss,
}: {
  recording: RecordingView;
  onDismiss: () => void;
}) {
  const summary = recording.lastSummary;
  if (!summary && !recording.error) return null;
  return (
    <div className="notice-row">
      {summary && (
        <p>
          Recording saved: {summary.fileName} in {summary.folder}{' '}
          <button
            type="button"
            onClick={() => {
              void advisor.recording.reveal(summary.recordingId);
            }}
          >
            Show in folder
          </button>
        </p>
      )}
      {recording.error && (
        <p role="alert" className="error">
          {recording.error}
        </p>
      )}
      {recording.state === 'off' && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss recording message">
          OK
        </button>
      )}
    </div>
  );
}
