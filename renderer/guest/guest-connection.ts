/**
 * The guest socket's state in the bridge's terms (ConnectionState), with plain sentences. A
 * guest token is never renewed, so a refusal of it is final ('auth-failed'): the page asks the
 * guest to knock again instead of retrying a token the server will not take.
 */
import type { Socket } from 'socket.io-client';
import type { ConnectionState } from '../../shared/bridge/contract.ts';
import { AUTH_ERRORS } from '../../shared/protocol/signaling.ts';

const RECONNECTING = 'Reconnecting to the server…';
export const REQUEST_EXPIRED = 'Your request to join has expired. Ask to join again.';
const REFUSALS: Record<string, string> = {
  [AUTH_ERRORS.expired]: REQUEST_EXPIRED,
  [AUTH_ERRORS.invalid]: REQUEST_EXPIRED,
  [AUTH_ERRORS.missing]: REQUEST_EXPIRED,
  [AUTH_ERRORS.disabled]: 'The server does not accept this request to join any more.',
  [AUTH_ERRORS.origin]:
    "The meeting's server does not accept connections from this page's address. Tell your advisor.",
};
export const SERVER_ENDED = "The meeting's server ended this connection.";

export interface ConnectionTracker {
  state(): ConnectionState;
  stop(): void;
}

export function connectionTracker(
  socket: Socket,
  onChange: (state: ConnectionState) => void,
): ConnectionTracker {
  let state: ConnectionState = { status: 'connecting', attempt: 0, message: null };
  let stopped = false;
  const set = (status: ConnectionState['status'], message: string | null, attempt: number) => {
    if (stopped) return;
    if (state.status === status && state.message === message && state.attempt === attempt) return;
    state = { status, attempt, message };
    onChange(state);
  };

  socket.on('connect', () => {
    set('online', null, 0);
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') set('offline', null, 0);
    // The server ended it (refused, link withdrawn, token expired): Socket.io will not retry.
    else if (reason === 'io server disconnect') set('auth-failed', SERVER_ENDED, state.attempt);
    else set('reconnecting', RECONNECTING, state.attempt + 1);
  });
  socket.io.on('reconnect_attempt', (attempt) => {
    set('reconnecting', RECONNECTING, attempt);
  });
  socket.on('connect_error', (error) => {
    const refusal = REFUSALS[error.message];
    if (refusal !== undefined || !socket.active) {
      set('auth-failed', refusal ?? 'The server refused the connection.', state.attempt);
      return;
    }
    const first = state.status === 'connecting' && state.attempt === 0;
    set(first ? 'connecting' : 'reconnecting', 'Cannot reach the server; retrying…', state.attempt);
  });

  return {
    state: () => state,
    stop() {
      stopped = true;
      socket.io.removeAllListeners('reconnect_attempt');
    },
  };
}
