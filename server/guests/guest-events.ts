/**
 * What a guest's socket may send: the messages of a call they were rung into, and nothing that
 * rings, invites, withdraws or decides about anyone (those are a member's). Everything else is
 * refused as not-allowed before it is even read.
 */
import type { ClientEventName } from '../../shared/protocol/signaling.ts';

export const GUEST_EVENTS: ReadonlySet<ClientEventName> = new Set<ClientEventName>([
  'call-answer',
  'call-decline',
  'ice-candidate',
  'end-call',
  'call-renegotiate',
  'media-state',
  'recording-state',
  'call-resume',
  'call-join',
]);

export const GUEST_EVENT_REFUSAL = 'A guest cannot send that message.';
