import { useState } from 'react';
import type { ArchiveExport, RecordingSummary } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { RecordingVerifyButton } from './recording-verify-button.tsx';

/**
 * Export for archive: main asks where with the OS folder picker and writes the package there;
 * the page only names the recording by its id and shows where it went.
 */
function ArchiveExportButton({ recordingId }: { recordingId: string }) {
  const [exported, setExported] = useState<ArchiveExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void advisor.recordings.export(recordingId).then((answer) => {
            setBusy(false);
            // Cancelled in the picker: nothing to say.
            if (answer.ok && answer.value === null) return;
            setExported(answer.ok ? answer.value : null);
            setError(answer.ok ? null : answer.error.message);
          });
        }}
      >
        Export for archive
      </button>
      <p role="status" className={error ? 'error' : undefined}>
        {busy && 'Exporting for archive…'}
        {!busy && exported && (
          <>
            <strong>Exported for archive:</strong> {exported.folder}
          </>
        )}
        {!busy && error}
      </p>
    </>
  );
}

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
      <ArchiveExportButton recordingId={summary.recordingId} />
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
