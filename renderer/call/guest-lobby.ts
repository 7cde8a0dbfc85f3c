/**
 * The advisor's lobby: clients who opened a meeting link and wait to be let in, in the order they
 * came, and the last problem with letting one in or turning one away, in plain words. A pure
 * reducer and a tiny store around it, so the rules are unit-tested without a browser.
 */

export interface WaitingGuest {
  guestId: string;
  name: string;
  /** Admit or Deny was clicked and the server has not answered yet. */
  deciding: boolean;
}

export interface LobbyState {
  waiting: WaitingGuest[];
  /** Why a guest could not be let in or turned away, until dismissed. */
  problem: string | null;
}

export type LobbyAction =
  | { type: 'waiting'; guestId: string; name: string }
  | { type: 'gone'; guestId: string }
  | { type: 'deciding'; guestId: string; on: boolean }
  | { type: 'problem'; message: string }
  | { type: 'dismiss' };

export const EMPTY_LOBBY: LobbyState = { waiting: [], problem: null };

/** More than this many waiting is a server gone wrong; the oldest stay, the rest are ignored. */
export const MAX_WAITING = 32;

export function reduceLobby(s: LobbyState, action: LobbyAction): LobbyState {
  switch (action.type) {
    case 'waiting': {
      const known = s.waiting.some((g) => g.guestId === action.guestId);
      if (known) {
        // Told again (after a reconnect): same place in the queue, the name as now given.
        return {
          ...s,
          waiting: s.waiting.map((g) =>
            g.guestId === action.guestId ? { ...g, name: action.name } : g,
          ),
        };
      }
      if (s.waiting.length >= MAX_WAITING) return s;
      const guest = { guestId: action.guestId, name: action.name, deciding: false };
      return { ...s, waiting: [...s.waiting, guest] };
    }
    case 'gone': {
      const waiting = s.waiting.filter((g) => g.guestId !== action.guestId);
      return waiting.length === s.waiting.length ? s : { ...s, waiting };
    }
    case 'deciding': {
      const guest = s.waiting.find((g) => g.guestId === action.guestId);
      if (!guest || guest.deciding === action.on) return s;
      return {
        ...s,
        waiting: s.waiting.map((g) => (g === guest ? { ...g, deciding: action.on } : g)),
      };
    }
    case 'problem':
      return { ...s, problem: action.message };
    case 'dismiss':
      return s.problem === null ? s : { ...s, problem: null };
  }
}

export interface GuestLobby {
  // Properties, not methods: React's useSyncExternalStore calls them unbound.
  snapshot: () => LobbyState;
  subscribe: (listener: () => void) => () => void;
  dispatch: (action: LobbyAction) => void;
  find: (guestId: string) => WaitingGuest | undefined;
}

export function createGuestLobby(): GuestLobby {
  let state = EMPTY_LOBBY;
  const listeners = new Set<() => void>();
  return {
    snapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(action) {
      const next = reduceLobby(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    find: (guestId) => state.waiting.find((g) => g.guestId === guestId),
  };
}
