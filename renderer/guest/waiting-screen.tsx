import type { ConnectionState } from '../../shared/bridge/contract.ts';
import { useFocusOnMount } from '../app/hooks/use-focus-on-mount.ts';

/** In the advisor's lobby: who lets the guest in, how the connection is, and a way out. */
export function WaitingScreen({
  advisorName,
  admitted,
  connection,
  onLeave,
}: {
  advisorName: string;
  admitted: boolean;
  connection: ConnectionState;
  onLeave: () => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const who = advisorName || 'your advisor';
  const status = admitted
    ? `${who} let you in. Joining the meeting…`
    : connection.status === 'online'
      ? `${who} knows you are here.`
      : (connection.message ?? 'Connecting to the server…');
  return (
    <main className="centered">
      <div className="card guest-card">
        <h1 ref={headingRef} tabIndex={-1}>
          {admitted ? `Joining ${who}'s meeting` : `Waiting for ${who} to let you in`}
        </h1>
        {/* Always present, so each change is announced. */}
        <p role="status">{status}</p>
        <div className="actions">
          <button type="button" onClick={onLeave}>
            Leave
          </button>
        </div>
      </div>
    </main>
  );
}
