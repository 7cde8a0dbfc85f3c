/**
 * Tells main whether we are in a call (keeps the screen awake, asks before quitting, shows the
 * peer in the tray), and follows main's "quit anyway" by hanging up properly.
 */
import { useEffect } from 'react';
import { advisor } from '../../bridge.ts';
import type { CallEngine } from '../../call/types.ts';

export function useCallStateSync(engine: CallEngine, inCall: boolean, peerName: string | null) {
  useEffect(() => {
    void advisor.app.setCallState({ inCall, peerName: inCall ? peerName : null });
  }, [inCall, peerName]);

  // Signed out or closed: no call is left on record in main.
  useEffect(
    () => () => {
      void advisor.app.setCallState({ inCall: false, peerName: null });
    },
    [],
  );

  useEffect(
    () =>
      advisor.on('app:quit-requested-in-call', () => {
        // Still dialling: the ring is cancelled (hanging up needs a call that started).
        void (engine.snapshot().phase === 'outgoing' ? engine.cancel() : engine.hangUp());
      }),
    [engine],
  );
}
