/**
 * The guest's way through the page, framework-free: lobby → knock → waiting (the socket is in
 * the advisor's lobby) → admitted → the advisor's ring, answered at once → in the call → ended.
 * Refusals end it at any point. React renders `stage()`; the call itself is the engine's.
 */
import type { ConnectionState } from '../../shared/bridge/contract.ts';
import { createCallEngine } from '../call/engine.ts';
import type { CallEngine, CallSnapshot, DeviceChoice } from '../call/types.ts';
import { createGuestBridge, type GuestBridge, type GuestSignal } from './guest-bridge.ts';
import { knock } from './knock.ts';

export type GuestStage =
  | { kind: 'lobby'; busy: boolean; error: string | null }
  | { kind: 'waiting'; advisorName: string; admitted: boolean; connection: ConnectionState }
  | { kind: 'call'; connection: ConnectionState }
  | { kind: 'ended'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'invalid'; message: string };

export interface GuestFlow {
  // Properties, not methods: React's useSyncExternalStore calls them unbound.
  stage: () => GuestStage;
  subscribe: (listener: () => void) => () => void;
  /** The call engine while the guest is waiting or in the call. */
  engine(): CallEngine | null;
  join(name: string, devices: DeviceChoice): Promise<void>;
  /** Waiting: out of the lobby, back to the form. In the call: hang up. */
  leave(): Promise<void>;
  /** From the ended screen: the form again (the link may still be good). */
  restart(): void;
  dispose(): void;
}

export const YOU_LEFT = 'You left the meeting.';
export const MEETING_ENDED = 'The meeting ended.';
const UNSUPPORTED =
  'This browser cannot join video meetings. Try a current Chrome, Edge, Firefox or Safari.';
/** Long enough for a last end-call to leave before the socket closes. */
const LINGER_MS = 2_000;

interface Live {
  bridge: GuestBridge;
  engine: CallEngine;
  /** Who let us in: only their ring is answered. */
  admittedBy: string | null;
  answered: string | null;
  unsubscribe: (() => void)[];
}

export function createGuestFlow(origin: string, token: string): GuestFlow {
  let stage: GuestStage = { kind: 'lobby', busy: false, error: null };
  const listeners = new Set<() => void>();
  let live: Live | null = null;
  let leaving = false;
  let linger: ReturnType<typeof setTimeout> | undefined;

  const set = (next: GuestStage) => {
    stage = next;
    for (const listener of listeners) listener();
  };

  function teardown(): void {
    clearTimeout(linger);
    const current = live;
    live = null;
    if (!current) return;
    for (const off of current.unsubscribe) off();
    current.engine.dispose();
    current.bridge.close();
  }

  function onGuest(signal: GuestSignal): void {
    if (!live) return;
    if (signal.event === 'guest-refused') {
      teardown();
      set({ kind: 'refused', message: signal.payload.message });
      return;
    }
    live.admittedBy = signal.payload.advisorId;
    if (stage.kind === 'waiting') set({ ...stage, admitted: true });
  }

  function onConnection(connection: ConnectionState): void {
    if (stage.kind === 'waiting' && connection.status === 'auth-failed') {
      teardown();
      set({ kind: 'lobby', busy: false, error: connection.message });
    } else if (stage.kind === 'waiting' || stage.kind === 'call') {
      set({ ...stage, connection });
    }
  }

  function onCall(call: CallSnapshot): void {
    const current = live;
    if (!current) return;
    if (call.phase === 'incoming' && call.callId && current.answered !== call.callId) {
      current.answered = call.callId;
      // The server lets only the admitting advisor ring a guest; anyone else is turned down.
      const ours = current.admittedBy !== null && call.peer?.id === current.admittedBy;
      // After this change has reached every listener, not from inside the engine's dispatch.
      queueMicrotask(() => {
        void (ours ? current.engine.answer() : current.engine.decline());
      });
    } else if ((call.phase === 'connecting' || call.phase === 'active') && stage.kind !== 'call') {
      set({ kind: 'call', connection: current.bridge.connection() });
    } else if (call.phase === 'ended' && (stage.kind === 'call' || stage.kind === 'waiting')) {
      const kind = call.outcome?.kind;
      const message =
        kind === 'hung-up'
          ? YOU_LEFT
          : kind === 'remote-hung-up' || !call.outcome
            ? MEETING_ENDED
            : call.outcome.message;
      set({ kind: 'ended', message });
      if (!leaving) linger = setTimeout(teardown, LINGER_MS);
    }
  }

  function start(name: string, devices: DeviceChoice, guestId: string, guestToken: string) {
    const bridge = createGuestBridge({ origin, guest: { guestId, guestToken, name } });
    let engine: CallEngine;
    try {
      engine = createCallEngine({
        bridge,
        // A guest never records (engine-recording refuses to start); asked, they can consent.
        recordingPolicy: () => 'disabled',
        devices: () => devices,
        startMuted: () => false,
        startWithCameraOff: () => false,
      });
    } catch (error) {
      bridge.close(); // no WebRTC or media devices in this browser
      throw error;
    }
    live = { bridge, engine, admittedBy: null, answered: null, unsubscribe: [] };
    live.unsubscribe.push(
      bridge.onGuest(onGuest),
      bridge.on('signal:connection', onConnection),
      engine.subscribe(() => {
        onCall(engine.snapshot());
      }),
    );
  }

  return {
    stage: () => stage,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    engine: () => live?.engine ?? null,

    async join(name, devices) {
      if (stage.kind !== 'lobby' || stage.busy) return;
      set({ kind: 'lobby', busy: true, error: null });
      const outcome = await knock(origin, token, name);
      if (outcome.kind === 'invalid') {
        set({ kind: 'invalid', message: outcome.message });
        return;
      }
      if (outcome.kind === 'error') {
        set({ kind: 'lobby', busy: false, error: outcome.message });
        return;
      }
      const { guestId, guestToken, advisorName } = outcome.response;
      leaving = false;
      try {
        start(name, devices, guestId, guestToken);
      } catch {
        teardown();
        set({ kind: 'lobby', busy: false, error: UNSUPPORTED });
        return;
      }
      set({
        kind: 'waiting',
        advisorName,
        admitted: false,
        connection: live?.bridge.connection() ?? {
          status: 'connecting',
          attempt: 0,
          message: null,
        },
      });
    },

    async leave() {
      if (stage.kind === 'waiting') {
        teardown();
        set({ kind: 'lobby', busy: false, error: null });
        return;
      }
      if (stage.kind !== 'call' || !live) return;
      leaving = true;
      // hangUp resolves once the server has the end-call; only then does the socket close.
      await live.engine.hangUp();
      teardown();
    },

    restart() {
      teardown();
      set({ kind: 'lobby', busy: false, error: null });
    },

    dispose() {
      teardown();
      listeners.clear();
    },
  };
}
