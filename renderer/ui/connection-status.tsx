import type { ConnectionState } from '../../shared/bridge/contract.ts';

const LABELS: Record<ConnectionState['status'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  'auth-failed': 'Signed out by the server',
};

export function ConnectionStatus({ connection }: { connection: ConnectionState }) {
  return (
    <p role="status" aria-label="Connection" className={`connection ${connection.status}`}>
      {LABELS[connection.status]}
      {connection.message && connection.status === 'auth-failed' ? `: ${connection.message}` : ''}
    </p>
  );
}
