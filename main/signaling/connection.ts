/**
 * The authenticated Socket.io connection, owned by main. The token goes in the handshake's
 * `auth` through a callback (so every reconnect hands the current one), a renewed token is sent
 * on the live socket, server events are validated before they reach the renderer, and renderer
 * messages are validated (by the router) before they leave.
 */
import type { io as ioFn, Socket } from 'socket.io-client';
import type {
  ConnectionState,
  IncomingSignal,
  OutgoingSignal,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { AUTH_ERRORS, serverEvents, type Ack } from '../../shared/protocol/signaling.ts';
import type { Session } from '../session/session.ts';

export interface SignalingDeps {
  session: Session;
  io: typeof ioFn;
  onState: (state: ConnectionState) => void;
  onEvent: (signal: IncomingSignal) => void;
  /** Backoff between reconnect attempts. */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  ackTimeoutMs?: number;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface Signaling {
  state(): ConnectionState;
  /** Connects to the session's server (after sign-in or resume). */
  connect(serverUrl: string): void;
  disconnect(): void;
  send(signal: OutgoingSignal): Promise<Ack>;
}

/**
 * Backoff between reconnect attempts. The cap is low on purpose: a call in progress is waiting
 * for signaling, so it must be back within a few seconds of the server's return (at most
 * 2.5 s + 30 % jitter between attempts), and a few small handshakes a second harm no server.
 */
const RECONNECT_DELAY_MS = 500;
const RECONNECT_DELAY_MAX_MS = 2_500;

const AUTH_REFUSALS: string[] = [AUTH_ERRORS.expired, AUTH_ERRORS.invalid, AUTH_ERRORS.missing];

export function createSignaling(deps: SignalingDeps): Signaling {
  const log = deps.log ?? (() => undefined);
  let socket: Socket | null = null;
  let state: ConnectionState = { status: 'offline', attempt: 0, message: null };
  let retry: NodeJS.Timeout | undefined;

  const setState = (
    status: ConnectionState['status'],
    message: string | null = null,
    attempt = state.attempt,
  ): void => {
    if (state.status === status && state.message === message && state.attempt === attempt) return;
    state = { status, attempt, message };
    deps.onState(state);
  };

  deps.session.onToken((token) => {
    if (socket?.connected) socket.emit('auth-renew', { token });
  });

  /** After the server refused our token: refresh it and try again, or give up if the session ended. */
  function reconnectWithFreshToken(current: Socket): void {
    deps.session.refresh().then(
      () => {
        if (socket === current) current.connect();
      },
      (error: unknown) => {
        if (socket !== current) return;
        if (error instanceof BridgeFailure && error.code !== 'server-unreachable') {
          setState(
            'auth-failed',
            'The server no longer accepts your sign-in. Please sign in again.',
          );
          return;
        }
        // The server is down: keep trying on our own schedule.
        scheduleManualRetry(current);
      },
    );
  }

  function scheduleManualRetry(current: Socket): void {
    clearTimeout(retry);
    const attempt = state.attempt + 1;
    setState('reconnecting', 'Reconnecting to the server…', attempt);
    const delay = Math.min(
      deps.reconnectDelayMaxMs ?? RECONNECT_DELAY_MAX_MS,
      (deps.reconnectDelayMs ?? RECONNECT_DELAY_MS) * 2 ** Math.min(attempt, 6),
    );
    retry = setTimeout(() => {
      if (socket === current && !current.connected) current.connect();
    }, delay);
  }

  return {
    state: () => state,

    connect(serverUrl) {
      this.disconnect();
      setState('connecting', null, 0);
      const current = deps.io(serverUrl, {
        transports: ['websocket'],
        reconnection: true,
        reconnectionDelay: deps.reconnectDelayMs ?? RECONNECT_DELAY_MS,
        reconnectionDelayMax: deps.reconnectDelayMaxMs ?? RECONNECT_DELAY_MAX_MS,
        randomizationFactor: 0.3,
        timeout: 10_000,
        auth: (callback: (data: object) => void) => {
          deps.session.accessToken().then(
            (token) => {
              callback({ token });
            },
            () => {
              callback({ token: '' });
            },
          );
        },
      });
      socket = current;

      current.on('connect', () => {
        clearTimeout(retry);
        log('signaling.online');
        setState('online', null, 0);
      });
      current.on('disconnect', (reason) => {
        log('signaling.disconnected', { reason });
        if (reason === 'io client disconnect') return;
        setState('reconnecting', 'Reconnecting to the server…', state.attempt + 1);
        // The server ended the socket (e.g. its token expired): Socket.io does not retry these.
        if (reason === 'io server disconnect') reconnectWithFreshToken(current);
      });
      current.io.on('reconnect_attempt', (attempt) => {
        setState('reconnecting', 'Reconnecting to the server…', attempt);
      });
      current.on('connect_error', (error) => {
        log('signaling.connect-error', { message: error.message });
        if (AUTH_REFUSALS.includes(error.message)) {
          reconnectWithFreshToken(current);
        } else if (error.message === AUTH_ERRORS.disabled) {
          setState('auth-failed', 'Your account is disabled. Ask your IT team.');
        } else if (!current.active) {
          scheduleManualRetry(current);
        } else {
          setState(
            state.attempt === 0 && state.status === 'connecting' ? 'connecting' : 'reconnecting',
            'Cannot reach the server; retrying…',
            state.attempt,
          );
        }
      });
      current.onAny((event: unknown, payload: unknown) => {
        if (typeof event !== 'string' || !Object.hasOwn(serverEvents, event)) return;
        const schema = serverEvents[event as keyof typeof serverEvents];
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          log('signaling.dropped-invalid', { event });
          return;
        }
        deps.onEvent({ event, payload: parsed.data } as IncomingSignal);
      });
    },

    disconnect() {
      clearTimeout(retry);
      if (socket) {
        const old = socket;
        socket = null;
        old.removeAllListeners();
        old.io.removeAllListeners();
        old.disconnect();
      }
      setState('offline', null, 0);
    },

    async send(signal) {
      if (!socket?.connected) {
        throw new BridgeFailure(
          'server-unreachable',
          'Not connected to the server right now; the app keeps trying to reconnect.',
        );
      }
      try {
        return (await socket
          .timeout(deps.ackTimeoutMs ?? 10_000)
          .emitWithAck(signal.event, signal.payload)) as Ack;
      } catch {
        throw new BridgeFailure('server-unreachable', 'The server did not answer in time.');
      }
    },
  };
}
