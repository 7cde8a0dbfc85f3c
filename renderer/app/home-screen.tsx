import { useState } from 'react';
import type { ConnectionState, SessionState } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { AlertNotice } from './alert-notice.tsx';
import { ConnectionStatus } from './connection-status.tsx';
import type { CirclesState } from './hooks/use-circles.ts';
import { useFocusOnMount } from './hooks/use-focus-on-mount.ts';
import { InviteClientButton } from './invite-client-button.tsx';
import { MemberRow } from './member-row.tsx';
import { RecordingSavedNotice } from './recording-saved-notice.tsx';

export function HomeScreen({
  session,
  connection,
  circles,
  call,
  engine,
  onOpenSettings,
}: {
  session: SessionState;
  connection: ConnectionState;
  circles: CirclesState;
  call: CallSnapshot;
  engine: CallEngine;
  onOpenSettings: () => void;
}) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const me = session.user;
  const online = connection.status === 'online';
  const callBusy = call.phase !== 'idle' && call.phase !== 'ended';
  const ended = call.phase === 'ended';
  const { recording } = call;

  const messages = [
    ended ? call.outcome?.message : null,
    recording.error,
    circles.error,
    signOutError,
  ].filter((message): message is string => Boolean(message));
  const dismiss = () => {
    engine.dismiss();
    setSignOutError(null);
  };
  const canDismiss = ended || recording.error !== null || signOutError !== null;

  return (
    <div className="screen home">
      <header className="bar">
        <h1 ref={headingRef} tabIndex={-1}>
          {me?.displayName ?? 'RichesReach Advisor'}
        </h1>
        <ConnectionStatus connection={connection} />
        <div className="bar-actions">
          <InviteClientButton />
          <button type="button" onClick={onOpenSettings}>
            Settings
          </button>
          <button
            type="button"
            onClick={() => {
              void advisor.session.signOut().then((result) => {
                setSignOutError(result.ok ? null : result.error.message);
              });
            }}
          >
            Sign out
          </button>
        </div>
      </header>

      <AlertNotice messages={messages} onDismiss={canDismiss ? dismiss : undefined} />
      {recording.lastSummary && (
        <RecordingSavedNotice
          summary={recording.lastSummary}
          // After a call, the outcome's Dismiss clears this too: one Dismiss button at a time.
          onDismiss={canDismiss ? undefined : dismiss}
        />
      )}

      {circles.circles.map((circle) => {
        const members = circle.members.filter((member) => member.id !== me?.id);
        return (
          <section key={circle.id} className="card circle" aria-label={circle.name}>
            <h2>{circle.name}</h2>
            {members.length === 0 ? (
              <p className="muted">Nobody else is in this circle yet.</p>
            ) : (
              <ul className="members">
                {members.map((member) => (
                  <MemberRow
                    key={member.id}
                    member={member}
                    connected={online}
                    callBusy={callBusy}
                    onCall={() => {
                      void engine.call({ id: member.id, displayName: member.displayName });
                    }}
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      {online && !circles.loading && !circles.error && circles.circles.length === 0 && (
        <p className="muted">You are not in any circle yet. Ask your IT team to add you.</p>
      )}
      {!online && circles.circles.length === 0 && (
        <p className="muted">Your circles appear once you are connected.</p>
      )}
    </div>
  );
}
