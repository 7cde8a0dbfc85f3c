/** The server's refusal of a call, an invitation or a join, in plain words. */
import type { Ack } from '../../shared/protocol/signaling.ts';
import type { CallOutcomeKind } from './types.ts';

export function ackProblem(ack: Ack | null): { kind: CallOutcomeKind; message: string } | null {
  if (!ack) return { kind: 'failed', message: 'The call failed: the server could not be reached.' };
  if (ack.ok) return null;
  const { code, message } = ack.error;
  if (code === 'not-allowed') return { kind: 'not-allowed', message: `Not allowed: ${message}` };
  if (code === 'unavailable' || code === 'meeting-full') return { kind: 'unavailable', message };
  return { kind: 'failed', message: `The call failed: ${message}` };
}
