import { useId } from 'react';
import type { Circle } from '../../shared/protocol/rest.ts';

type Member = Circle['members'][number];

const PRESENCE: Record<Member['status'], string> = {
  online: 'Online',
  offline: 'Offline',
  'in-call': 'In a call',
};

/** One circle-mate: name, presence in words, and the button that rings them. */
export function MemberRow({
  member,
  connected,
  callBusy,
  onCall,
}: {
  member: Member;
  /** Our own connection to the server is online. */
  connected: boolean;
  /** We are already ringing, being rung or in a call. */
  callBusy: boolean;
  onCall: () => void;
}) {
  const reasonId = useId();
  // Someone in a call can still be rung: the server answers with a clear "busy".
  const reason = !connected
    ? 'You are not connected to the server right now.'
    : member.status === 'offline'
      ? `${member.displayName} is offline.`
      : callBusy
        ? 'Finish your current call first.'
        : member.status === 'in-call'
          ? `${member.displayName} is in a call and may not answer.`
          : null;
  const disabled = !connected || member.status === 'offline' || callBusy;
  return (
    <li className="member">
      <span className={`dot ${member.status}`} aria-hidden="true" />
      <span className="name">{member.displayName}</span>
      <span className="presence">{PRESENCE[member.status]}</span>
      <button
        type="button"
        className="primary"
        disabled={disabled}
        title={reason ?? undefined}
        aria-describedby={reason ? reasonId : undefined}
        onClick={onCall}
      >
        Call {member.displayName}
      </button>
      {reason && (
        <span id={reasonId} className="visually-hidden">
          {reason}
        </span>
      )}
    </li>
  );
}
