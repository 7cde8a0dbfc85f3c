/**
 * The call engine's host on the guest page: a CallBridge over the guest's own Socket.io
 * connection to the page's server (there is no main process and no window.advisor here).
 * Results have the bridge's shape (shared/bridge/results.ts), so the engine cannot tell the
 * difference. The guest token lives only in this closure: in the socket's handshake `auth` and
 * in the ICE request's Authorization header, never in a URL or a log.
 */
import { io, type Socket } from 'socket.io-client';
import type { ConnectionState, IncomingSignal } from '../../shared/bridge/contract.ts';
import { outgoingSignalSchema } from '../../shared/bridge/contract.ts';
import type { BridgeErrorCode, Result } from '../../shared/bridge/results.ts';
import { iceServersResponseSchema } from '../../shared/protocol/rest.ts';
import { serverEvents, type Ack } from '../../shared/protocol/signaling.ts';
import type { CallBridge } from '../call/call-bridge.ts';
import { connectionTracker } from './guest-connection.ts';

/** What the page hears besides the call: let in, or turned away. */
export type GuestSignal = Extract<IncomingSignal, { event: 'guest-admitted' | 'guest-refused' }>;

export interface GuestBridge extends CallBridge {
  /** guest-admitted and guest-refused, validated. */
  onGuest(listener: (signal: GuestSignal) => void): () => void;
  connection(): ConnectionState;
  /** Disconnects for good (the server then takes the guest out of the lobby). */
  close(): void;
}

export interface GuestIdentity {
  guestId: string;
  guestToken: string;
  /** The name the guest typed (already validated). */
  name: string;
}

export interface GuestBridgeOptions {
  /** The page's own origin (`location.origin`): the server that served it. */
  origin: string;
  guest: GuestIdentity;
  ackTimeoutMs?: number;
}

const ACK_TIMEOUT_MS = 10_000;
const GUEST_EVENTS = new Set<string>(['guest-admitted', 'guest-refused']);

const fail = <T>(code: BridgeErrorCode, message: string): Result<T> => ({
  ok: false,
  error: { code, message },
});
const refuseRecording = <T>(): Promise<Result<T>> =>
  Promise.resolve(fail<T>('recording-disabled', 'Guests cannot record.'));

type Listener = (payload: never) => void;

export function createGuestBridge(options: GuestBridgeOptions): GuestBridge {
  const { origin, guest } = options;
  const listeners = new Map<string, Set<Listener>>();
  const guestListeners = new Set<(signal: GuestSignal) => void>();
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
  };

  const socket: Socket = io(origin, {
    auth: { token: guest.guestToken },
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 2_500,
    randomizationFactor: 0.3,
    timeout: 10_000,
  });
  const tracker = connectionTracker(socket, (state) => {
    emit('signal:connection', state);
  });

  socket.onAny((event: unknown, payload: unknown) => {
    if (typeof event !== 'string' || !Object.hasOwn(serverEvents, event)) return;
    const parsed = serverEvents[event as keyof typeof serverEvents].safeParse(payload);
    if (!parsed.success) return; // a malformed message reaches no one
    const signal = { event, payload: parsed.data } as IncomingSignal;
    emit('signal:event', signal);
    if (GUEST_EVENTS.has(event))
      for (const listener of guestListeners) listener(signal as GuestSignal);
  });

  async function send(signal: unknown): Promise<Result<Ack>> {
    const parsed = outgoingSignalSchema.safeParse(signal);
    if (!parsed.success) return fail('invalid-arguments', 'That message is not valid.');
    if (!socket.connected) {
      return fail(
        'server-unreachable',
        'Not connected to the server right now; the page keeps trying to reconnect.',
      );
    }
    try {
      const ack = (await socket
        .timeout(options.ackTimeoutMs ?? ACK_TIMEOUT_MS)
        .emitWithAck(parsed.data.event, parsed.data.payload)) as Ack;
      return { ok: true, value: ack };
    } catch {
      return fail('server-unreachable', 'The server did not answer in time.');
    }
  }

  async function iceServers() {
    let response: Response;
    try {
      response = await fetch(new URL('/api/guest/ice-servers', origin), {
        headers: { authorization: `Bearer ${guest.guestToken}` },
        cache: 'no-store',
      });
    } catch {
      return fail<never>('server-unreachable', 'Cannot reach the server.');
    }
    // 401: the guest token expired; 403: the guest was turned away meanwhile.
    if (response.status === 401 || response.status === 403)
      return fail<never>('session-expired', 'Your place in this meeting has expired.');
    if (!response.ok) return fail<never>('server-error', 'The server could not send its settings.');
    const parsed = iceServersResponseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return fail<never>('server-error', 'The server sent unreadable settings.');
    return { ok: true as const, value: parsed.data };
  }

  return {
    signal: {
      send,
      status: () => Promise.resolve({ ok: true, value: tracker.state() }),
    },
    session: {
      get: () =>
        Promise.resolve({
          ok: true,
          value: {
            status: 'signed-in',
            serverUrl: origin,
            user: { id: guest.guestId, username: 'guest', displayName: guest.name },
            message: null,
          },
        }),
    },
    directory: { iceServers },
    recording: { start: refuseRecording, append: refuseRecording, stop: refuseRecording },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    onGuest(listener) {
      guestListeners.add(listener);
      return () => {
        guestListeners.delete(listener);
      };
    },
    connection: () => tracker.state(),
    close() {
      tracker.stop();
      socket.removeAllListeners();
      socket.offAny();
      socket.disconnect();
      listeners.clear();
      guestListeners.clear();
    },
  };
}
