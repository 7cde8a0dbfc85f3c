import { useEffect, useState } from 'react';
import { advisor } from '../bridge.ts';

/**
 * Beside the recordings folder in Settings: a cloud service (OneDrive, iCloud Drive, Dropbox,
 * Google Drive) that copies it off this computer, or IT's refusal to record there. Main decides;
 * it is asked again whenever the folder changes.
 */
export function RecordingsFolderWarning({ folder }: { folder: string }) {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void advisor.recordings.folderStatus().then((result) => {
      if (current) setMessage(result.ok ? result.value.message : null);
    });
    return () => {
      current = false;
    };
  }, [folder]);
  // Always there, so a warning that appears is announced.
  return (
    <p role="status" className="error">
      {message ?? ''}
    </p>
  );
}
