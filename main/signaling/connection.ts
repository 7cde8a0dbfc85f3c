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
import { describeConnectionFailure } from '../net/connection-errors.ts';
import type { SocketTransport, SocketTransportFor } from '../net/proxy-agent.ts';
import type { Session } from '../session/session.ts';

export interface SignalingDeps {
  session: Session;
  io: typeof ioFn;
  /**
   * The route and CAs for the server's URL (proxy-agent.ts): the app's system proxy and OS trust
   * store, a test's stand-ins. Without it, a direct connection with Node's CAs.
   */
  transport?: SocketTransportFor;
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
const LIMIT_REFUSALS: string[] = [AUTH_ERRORS.tooManyConnections, AUTH_ERRORS.tooManyHandshakes];

/** The plain sentence a server refusal carries in `data.message`, if it carries one. */
function serverSentence(error: Error): string | null {
  const data = (error as Error & { data?: unknown }).data;
  const message = (data as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message.length > 0 ? message.slice(0, 300) : null;
}

export function createSignaling(deps: SignalingDeps): Signaling {
  const log = deps.log ?? (() => undefined);
  let socket: Socket | null = null;
  let state: ConnectionState = { status: 'offline', attempt: 0, message: null };
  let retry: NodeJS.Timeout | undefined;
  // Bumped by every connect and disconnect: a route resolved for an older one is dropped.
  let generation = 0;
  // Why the last attempt failed, when it is something to tell (a certificate, a proxy sign-in):
  // kept across attempts so the status does not flip back to a generic line between them.
  let lastFailure: string | null = null;

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

  function scheduleManualRetry(current: Socket, message = 'Reconnecting to the server…'): void {
    clearTimeout(retry);
    const attempt = state.attempt + 1;
    setState('reconnecting', message, attempt);
    const delay = Math.min(
      deps.reconnectDelayMaxMs ?? RECONNECT_DELAY_MAX_MS,
      (deps.reconnectDelayMs ?? RECONNECT_DELAY_MS) * 2 ** Math.min(attempt, 6),
    );
    retry = setTimeout(() => {
      if (socket === current && !current.connected) current.connect();
    }, delay);
  }

  /** Opens the socket, through the proxy agent and with the CAs the route came with. */
  function open(serverUrl: string, transport: SocketTransport | null): void {
    const current = deps.io(serverUrl, {
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: deps.reconnectDelayMs ?? RECONNECT_DELAY_MS,
      reconnectionDelayMax: deps.reconnectDelayMaxMs ?? RECONNECT_DELAY_MAX_MS,
      randomizationFactor: 0.3,
      timeout: 10_000,
      // engine.io-client types `agent` as string | boolean for browser builds; Node takes an Agent.
      ...(transport?.agent ? { agent: transport.agent as unknown as string } : {}),
      ...(transport ? { ca: transport.ca } : {}),
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
      lastFailure = null;
      log('signaling.online');
      setState('online', null, 0);
    });
    current.on('disconnect', (reason) => {
      log('signaling.disconnected', { reason });
      if (reason === 'io client disconnect') return;
      // Disabled by IT: the server said why before it closed the socket; do not come back.
      if (state.status === 'auth-failed') return;
      setState('reconnecting', 'Reconnecting to the server…', state.attempt + 1);
      // The server ended the socket (e.g. its token expired): Socket.io does not retry these.
      if (reason === 'io server disconnect') reconnectWithFreshToken(current);
    });
    current.io.on('reconnect_attempt', (attempt) => {
      setState('reconnecting', lastFailure ?? 'Reconnecting to the server…', attempt);
    });
    current.on('connect_error', (error) => {
      log('signaling.connect-error', { message: error.message });
      if (AUTH_REFUSALS.includes(error.message)) {
        reconnectWithFreshToken(current);
      } else if (error.message === AUTH_ERRORS.disabled) {
        setState('auth-failed', 'Your account is disabled. Ask your IT team.');
      } else if (LIMIT_REFUSALS.includes(error.message)) {
        // Too many connections or handshakes: the server's sentence, and a retry on our schedule.
        scheduleManualRetry(current, serverSentence(error) ?? undefined);
      } else if (!current.active) {
        scheduleManualRetry(current);
      } else {
        // An untrusted certificate or a proxy sign-in is said as such: retrying will not fix it.
        lastFailure = describeConnectionFailure(error);
        setState(
          state.attempt === 0 && state.status === 'connecting' ? 'connecting' : 'reconnecting',
          lastFailure ?? 'Cannot reach the server; retrying…',
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
      if (event === 'account-disabled') {
        const { message } = parsed.data as { message: string };
        log('signaling.account-disabled');
        setState('auth-failed', message);
      }
      deps.onEvent({ event, payload: parsed.data } as IncomingSignal);
    });
  }

  return {
    state: () => state,

    connect(serverUrl) {
      this.disconnect();
      setState('connecting', null, 0);
      const mine = ++generation;
      if (!deps.transport) {
        open(serverUrl, null);
        return;
      }
      deps.transport(serverUrl).then(
        (transport) => {
          if (mine === generation) open(serverUrl, transport);
        },
        (error: unknown) => {
          log('signaling.transport-failed', {
            error: error instanceof Error ? error.name : 'unknown',
          });
          if (mine === generation) open(serverUrl, null);
        },
      );
    },
    disconnect() {
      generation += 1;
      lastFailure = null;
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
