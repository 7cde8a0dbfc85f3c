/**
 * An app update in progress, from main's updater: how far the download is, and why it has not
 * installed yet (never during a call). Nothing is shown when there is no update.
 */
import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';

function words(status: UpdateStatus): string {
  switch (status.stage) {
    case 'downloading':
      return `Downloading an update: ${String(status.percent)} %`;
    case 'waiting-for-call-end':
      return `Version ${status.version} is ready. It installs when this call ends.`;
    case 'installing':
      return `Installing version ${status.version}: the app restarts in a moment.`;
  }
}

export function UpdateNotice() {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => advisor.on('app:update', setStatus), []);
  if (!status) return null;
  return (
    <div className="update-notice">
      <p role="status">{words(status)}</p>
      {status.stage === 'downloading' && (
        <progress aria-label="Update download" max={100} value={status.percent} />
      )}
    </div>
  );
}
