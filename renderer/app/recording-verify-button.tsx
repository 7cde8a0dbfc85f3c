import { useState } from 'react';
import type { RecordingVerification } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';

const VERDICT_WORDS: Record<RecordingVerification['verdict'], string> = {
  valid: 'Verified',
  altered: 'Altered',
  truncated: 'Truncated',
  unsigned: 'Not signed',
  'not-known-to-server': 'Not known to the server',
};

/**
 * Verify beside a saved recording: main checks the file by its id, and the server's receipts
 * (which may still be on their way from the server), and says what it found.
 */
export function RecordingVerifyButton({ recordingId }: { recordingId: string }) {
  const [result, setResult] = useState<RecordingVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const bad = !busy && (error !== null || (result !== null && result.verdict !== 'valid'));
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void advisor.recordings.verify(recordingId).then((answer) => {
            setBusy(false);
            setResult(answer.ok ? answer.value : null);
            setError(answer.ok ? null : answer.error.message);
          });
        }}
      >
        Verify
      </button>
      <p role="status" className={bad ? 'error' : undefined}>
        {busy && 'Verifying, with the server’s receipts…'}
        {!busy && result && (
          <>
            <strong>{VERDICT_WORDS[result.verdict]}:</strong> {result.reason}
            {result.keyId && <span className="muted"> Key id: {result.keyId}</span>}
          </>
        )}
        {!busy && error}
      </p>
    </>
  );
}
