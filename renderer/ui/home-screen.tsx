import type { ConnectionState, SessionState } from '../../shared/bridge/contract.ts';
import type { Circle } from '../../shared/protocol/rest.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { advisor } from '../bridge.ts';
import { ConnectionStatus } from './connection-status.tsx';
import { RecordingNotice } from './recording-notice.tsx';

const PRESENCE = { online: 'Online', offline: 'Offline', 'in-call': 'In a call' } as const;

export function HomeScreen(props: {
  session: SessionState;
  connection: ConnectionState;
  circles: Circle[];
  circlesError: string | null;
  call: CallSnapshot;
  engine: CallEngine;
  onSettings: () => void;
}) {
  const { session, connection, circles, call, engine } = props;
  const me = session.user;
  const online = connection.status === 'online';
  return (
    <main className="home">
      <header className="bar">
        <h1>{me?.displayName ?? 'RichesReach Advisor'}</h1>
        <ConnectionStatus connection={connection} />
        <button type="button" onClick={props.onSettings}>
          Settings
        </button>
        <button
          type="button"
          onClick={() => {
            void advisor.session.signOut();
          }}
        >
          Sign out
        </button>
      </header>
      {call.phase === 'ended' && call.outcome && (
        <div className="notice-row">
          <p role="alert">{call.outcome.message}</p>
          <button
            type="button"
            onClick={() => {
              engine.dismiss();
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      <RecordingNotice
        recording={call.recording}
        onDismiss={() => {
          engine.dismiss();
        }}
      />
      {props.circlesError && (
        <p role="alert" className="error">
          {props.circlesError}
        </p>
      )}
      {circles.map((circle) => (
        <section key={circle.id} className="card" aria-labelledby={`circle-${circle.id}`}>
          <h2 id={`circle-${circle.id}`}>{circle.name}</h2>
          <ul className="members">
            {circle.members
              .filter((member) => member.id !== me?.id)
              .map((member) => {
                const why = !online
                  ? 'You are not connected to the server.'
                  : member.status === 'offline'
                    ? `${member.displayName} is offline.`
                    : null;
                return (
                  <li key={member.id}>
                    <span className="name">{member.displayName}</span>
                    <span className={`presence ${member.status}`}>{PRESENCE[member.status]}</span>
                    <button
                      type="button"
                      className="primary"
                      disabled={why !== null || (call.phase !== 'idle' && call.phase !== 'ended')}
                      title={why ?? undefined}
                      onClick={() => {
                        void engine.call({ id: member.id, displayName: member.displayName });
                      }}
                    >
                      Call {member.displayName}
                    </button>
                  </li>
                );
              })}
          </ul>
        </section>
      ))}
      {online && circles.length === 0 && !props.circlesError && (
        <p className="muted">You are not in any circle yet. Ask your IT team.</p>
      )}
    </main>
  );
}
