import { useId } from 'react';
import { MAX_PARTICIPANTS } from '../../shared/protocol/signaling.ts';
import type { Circle } from '../../shared/protocol/rest.ts';
import type { CallEngine, CallSnapshot } from '../call/types.ts';
import { useModalDialog } from './hooks/use-modal-dialog.ts';

type Member = Circle['members'][number];

/**
 * Circle-mates who are not in the call, each with a button that rings them in. The server
 * answers busy, declined, missed and not-allowed; the call screen shows those in words.
 */
export function AddPeopleDialog({
  call,
  circles,
  me,
  engine,
  onClose,
}: {
  call: CallSnapshot;
  circles: Circle[];
  me: string | null;
  engine: CallEngine;
  onClose: () => void;
}) {
  const titleId = useId();
  const ref = useModalDialog(onClose);
  const inCall = new Set(call.participants.map((p) => p.id));
  const seen = new Set<string>();
  const candidates: Member[] = [];
  for (const member of circles.flatMap((c) => c.members)) {
    if (member.id === me || inCall.has(member.id) || seen.has(member.id)) continue;
    seen.add(member.id);
    candidates.push(member);
  }
  const full = call.participants.length + 1 >= MAX_PARTICIPANTS;
  return (
    <dialog ref={ref} aria-modal="true" aria-labelledby={titleId} className="card dialog">
      <h2 id={titleId}>Add people</h2>
      {full && <p>This meeting is full ({MAX_PARTICIPANTS} people).</p>}
      {candidates.length === 0 ? (
        <p className="muted">Everyone in your circles is in this call already.</p>
      ) : (
        <ul className="members">
          {candidates.map((member) => (
            <li key={member.id} className="member">
              <span className={`dot ${member.status}`} aria-hidden="true" />
              <span className="name">{member.displayName}</span>
              <span className="muted small">
                {member.status === 'offline'
                  ? 'Offline'
                  : member.status === 'in-call'
                    ? 'In a call'
                    : 'Online'}
              </span>
              <button
                type="button"
                disabled={member.status === 'offline'}
                onClick={() => {
                  void engine.invite({ id: member.id, displayName: member.displayName });
                  onClose();
                }}
              >
                Add {member.displayName}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
