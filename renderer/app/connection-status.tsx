import { memo } from 'react';
import type { ConnectionState } from '../../shared/bridge/contract.ts';

const LABELS: Record<ConnectionState['status'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  'auth-failed': 'Signed out by the server',
};

/** Our own connection to the firm's server (signaling), in plain words. */
export const ConnectionStatus = memo(function ConnectionStatus({
  connection,
}: {
  connection: ConnectionState;
}) {
  const detail =
    connection.status === 'auth-failed' || connection.status === 'offline'
      ? connection.message
      : null;
  return (
    <p role="status" aria-label="Connection to the server" className="connection">
      <span className={`dot ${connection.status}`} aria-hidden="true" />
      {LABELS[connection.status]}
      {detail ? <span className="detail">: {detail}</span> : null}
    </p>
  );
});
