import { useEffect, useState } from 'react';
import type { SessionState, SettingsView } from '../../shared/bridge/contract.ts';
import type { CallEngine } from '../call/types.ts';
import { GuestLobbyNotice } from './guest-lobby-notice.tsx';
import { HomeScreen } from './home-screen.tsx';
import { useCallStateSync } from './hooks/use-call-state-sync.ts';
import { useCircles } from './hooks/use-circles.ts';
import { useConnection } from './hooks/use-connection.ts';
import { useEngine } from './hooks/use-engine.ts';
import { useDevicesFollow } from './in-call-devices.tsx';
import { InCallScreen } from './in-call-screen.tsx';
import { IncomingCallDialog } from './incoming-call-dialog.tsx';
import { OutgoingCallScreen } from './outgoing-call-screen.tsx';
import { SettingsScreen } from './settings-screen.tsx';

/**
 * Which screen follows from the call's phase; an incoming call shows over any of them, and
 * clients waiting to be let in show above every one.
 */
export function SignedInApp({
  session,
  settings,
  engine,
}: {
  session: SessionState;
  settings: SettingsView | null;
  engine: CallEngine;
}) {
  const connection = useConnection();
  const circles = useCircles(connection.status === 'online');
  const call = useEngine(engine);
  const [showSettings, setShowSettings] = useState(false);
  const inCall = call.phase === 'connecting' || call.phase === 'active';
  const peerName = call.peer?.displayName ?? null;
  // Dialling counts for main too: a page lost then must cancel the ring (main/shell/page-lost.ts).
  useCallStateSync(engine, inCall || call.phase === 'outgoing', peerName);
  useDevicesFollow(engine, settings);

  // A call that starts closes Settings: after it, the advisor lands on Home with the outcome.
  const calling = call.phase === 'outgoing' || inCall;
  useEffect(() => {
    if (calling) setShowSettings(false);
  }, [calling]);

  let screen;
  if (call.phase === 'outgoing') {
    screen = <OutgoingCallScreen call={call} engine={engine} />;
  } else if (inCall) {
    screen = (
      <InCallScreen
        call={call}
        engine={engine}
        connection={connection}
        settings={settings}
        circles={circles.circles}
        me={session.user?.id ?? null}
      />
    );
  } else if (showSettings && settings) {
    screen = (
      <SettingsScreen
        view={settings}
        onClose={() => {
          setShowSettings(false);
        }}
      />
    );
  } else {
    screen = (
      <HomeScreen
        session={session}
        connection={connection}
        circles={circles}
        call={call}
        engine={engine}
        onOpenSettings={() => {
          setShowSettings(true);
        }}
      />
    );
  }

  return (
    <main className="app">
      <GuestLobbyNotice engine={engine} notify={settings?.values.notifyIncomingCalls ?? true} />
      {screen}
      {call.phase === 'incoming' && (
        <IncomingCallDialog
          key={call.callId}
          call={call}
          engine={engine}
          notify={settings?.values.notifyIncomingCalls ?? true}
        />
      )}
    </main>
  );
}
