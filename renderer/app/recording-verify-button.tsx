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

/** Verify beside a saved recording: main checks the file by its id and says what it found. */
export function RecordingVerifyButton({ recordingId }: { recordingId: string }) {
  const [result, setResult] = useState<RecordingVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const bad = error !== null || (result !== null && result.verdict !== 'valid');
  return (
    <>
      <button
        type="button"
        onClick={() => {
          void advisor.recordings.verify(recordingId).then((answer) => {
            setResult(answer.ok ? answer.value : null);
            setError(answer.ok ? null : answer.error.message);
          });
        }}
      >
        Verify
      </button>
      <p role="status" className={bad ? 'error' : undefined}>
        {result && (
          <>
            <strong>{VERDICT_WORDS[result.verdict]}:</strong> {result.reason}
            {result.keyId && <span className="muted"> Key id: {result.keyId}</span>}
          </>
        )}
        {error}
      </p>
    </>
  );
}
