import { memo, useEffect, useRef, useSyncExternalStore } from 'react';
import { advisor } from '../bridge.ts';
import type { WaitingGuest } from '../call/guest-lobby.ts';
import type { CallEngine } from '../call/types.ts';

/** "Casey Client", or "Casey Client (2)" when two waiting clients share a name. */
function labels(waiting: readonly WaitingGuest[]): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const guest of waiting) {
    const n = (seen.get(guest.name) ?? 0) + 1;
    seen.set(guest.name, n);
    const shared = waiting.filter((g) => g.name === guest.name).length > 1;
    out.set(guest.guestId, shared ? `${guest.name} (${n})` : guest.name);
  }
  return out;
}

/**
 * Clients waiting in the lobby, over whatever screen shows (home, settings, a call), each with
 * Admit and Deny; an OS notification for each when the window is in the background. Renders
 * on a change of the lobby, not on every change of the call around it.
 */
export const GuestLobbyNotice = memo(function GuestLobbyNotice({
  engine,
  notify,
}: {
  engine: CallEngine;
  /** Settings: "Notify me of incoming calls" covers clients waiting too. */
  notify: boolean;
}) {
  const lobby = useSyncExternalStore(engine.lobby.subscribe, engine.lobby.snapshot);
  const { waiting, problem } = lobby;
  const names = labels(waiting);
  const admitButtons = useRef(new Map<string, HTMLButtonElement>());

  // Once per guest, however often React re-runs effects.
  const notified = useRef(new Set<string>());
  useEffect(() => {
    for (const guest of waiting) {
      if (notified.current.has(guest.guestId)) continue;
      notified.current.add(guest.guestId);
      if (notify) void advisor.app.notifyGuestWaiting({ guestId: guest.guestId, name: guest.name });
    }
  }, [waiting, notify]);

  // The OS notification was clicked: main brought the window forward; be ready to admit.
  useEffect(
    () =>
      advisor.on('app:guest-waiting-clicked', ({ guestId }) => {
        admitButtons.current.get(guestId)?.focus();
      }),
    [],
  );

  return (
    <div className="lobby" aria-live="polite">
      {waiting.length > 0 && (
        <ul aria-label="Clients waiting to join">
          {waiting.map((guest) => {
            const name = names.get(guest.guestId) ?? guest.name;
            return (
              <li key={guest.guestId} className="notice-row lobby-guest">
                <p>
                  <strong>{guest.name}</strong> is waiting to join
                </p>
                <button
                  ref={(button) => {
                    if (button) admitButtons.current.set(guest.guestId, button);
                    else admitButtons.current.delete(guest.guestId);
                  }}
                  type="button"
                  className="primary"
                  aria-label={`Admit ${name}`}
                  disabled={guest.deciding}
                  onClick={() => {
                    void engine.admitGuest(guest.guestId);
                  }}
                >
                  Admit
                </button>
                <button
                  type="button"
                  aria-label={`Deny ${name}`}
                  disabled={guest.deciding}
                  onClick={() => {
                    void engine.denyGuest(guest.guestId);
                  }}
                >
                  Deny
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {problem && (
        <div className="notice-row">
          <div role="alert" className="alert">
            <p>{problem}</p>
          </div>
          <button
            type="button"
            aria-label="Dismiss message about a waiting client"
            onClick={() => {
              engine.dismissGuestProblem();
            }}
          >
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
});
