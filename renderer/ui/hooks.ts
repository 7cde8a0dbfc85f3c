/** React hooks over the bridge: each keeps one piece of main's state current via its events. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConnectionState, SessionState, SettingsView } from '../../shared/bridge/contract.ts';
import type { Circle } from '../../shared/protocol/rest.ts';
import type { PresenceStatus } from '../../shared/protocol/signaling.ts';
import { advisor } from '../bridge.ts';
import type { CallEngine } from '../call/types.ts';

export function useSession(): SessionState | null {
  const [state, setState] = useState<SessionState | null>(null);
  useEffect(() => {
    const off = advisor.on('session:changed', setState);
    void advisor.session.get().then((result) => {
      if (result.ok) setState(result.value);
    });
    return off;
  }, []);
  return state;
}

export function useConnection(): ConnectionState {
  const [state, setState] = useState<ConnectionState>({
    status: 'offline',
    attempt: 0,
    message: null,
  });
  useEffect(() => {
    const off = advisor.on('signal:connection', setState);
    void advisor.signal.status().then((result) => {
      if (result.ok) setState(result.value);
    });
    return off;
  }, []);
  return state;
}

export function useSettings(): SettingsView | null {
  const [view, setView] = useState<SettingsView | null>(null);
  useEffect(() => {
    const off = advisor.on('settings:changed', setView);
    void advisor.settings.get().then((result) => {
      if (result.ok) setView(result.value);
    });
    return off;
  }, []);
  return view;
}

/** Circles with live presence: fetched when online, then kept current by presence events. */
export function useCircles(online: boolean): { circles: Circle[]; error: string | null } {
  const [circles, setCircles] = useState<Circle[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!online) return;
    let cancelled = false;
    void advisor.directory.circles().then((result) => {
      if (cancelled) return;
      if (result.ok) {
        setCircles(result.value.circles);
        setError(null);
      } else {
        setError(result.error.message);
      }
    });
    const apply = (updates: { userId: string; status: PresenceStatus }[]) => {
      setCircles((current) =>
        current.map((circle) => ({
          ...circle,
          members: circle.members.map((member) => {
            const update = updates.find((u) => u.userId === member.id);
            return update ? { ...member, status: update.status } : member;
          }),
        })),
      );
    };
    const off = advisor.on('signal:event', (signal) => {
      if (signal.event === 'presence') apply([signal.payload]);
      if (signal.event === 'presence-snapshot') apply(signal.payload.users);
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [online]);
  return { circles, error };
}

export function useEngine(engine: CallEngine) {
  return useSyncExternalStore(engine.subscribe, engine.snapshot);
}
