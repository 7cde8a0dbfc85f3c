import type { CallSnapshot } from '../call/types.ts';

/**
 * Who is in the call (guests marked), who is still being rung, and who speaks, is muted or has
 * the camera off.
 */
export function ParticipantList({ call }: { call: CallSnapshot }) {
  return (
    <section className="participants" aria-label="Participants">
      <h2 className="small">In this call ({call.participants.length + 1})</h2>
      <ul>
        <li>You{call.local.muted ? ' (muted)' : ''}</li>
        {call.participants.map((p) => {
          const notes = [
            p.guest ? 'guest' : null,
            p.state === 'ringing' ? 'ringing…' : null,
            p.speaking ? 'speaking' : null,
            p.muted ? 'muted' : null,
            p.cameraOff ? 'camera off' : null,
            p.sharing ? 'sharing their screen' : null,
          ].filter(Boolean);
          return (
            <li key={p.id}>
              {p.displayName}
              {notes.length > 0 ? ` (${notes.join(', ')})` : ''}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
