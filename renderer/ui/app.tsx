/**
 * The root: which screen follows from the session and the call engine's phase. The engine is
 * made once per signed-in session and disposed on sign-out (camera off, call ended).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SettingsView } from '../../shared/bridge/contract.ts';
import { advisor } from '../bridge.ts';
import { createCallEngine } from '../call/engine.ts';
import type { CallEngine } from '../call/types.ts';
import { InCall, OutgoingCall } from './call-screen.tsx';
import { HomeScreen } from './home-screen.tsx';
import { useCircles, useConnection, useEngine, useSession, useSettings } from './hooks.ts';
import { IncomingCallDialog } from './incoming-call-dialog.tsx';
import { SettingsScreen } from './settings-screen.tsx';
import { SignInScreen } from './sign-in-screen.tsx';

function SignedIn({ settings, engine }: { settings: SettingsView | null; engine: CallEngine }) {
  const session = useSession();
  const connection = useConnection();
  const { circles, error } = useCircles(connection.status === 'online');
  const call = useEngine(engine);
  const [showSettings, setShowSettings] = useState(false);
  const inCall = call.phase === 'connecting' || call.phase === 'active';

  useEffect(() => {
    void advisor.app.setCallState({
      inCall,
      peerName: inCall ? (call.peer?.displayName ?? null) : null,
    });
  }, [inCall, call.peer]);
  // Quitting during a call (after the advisor confirmed it): hang up properly first.
  useEffect(() => advisor.on('app:quit-requested-in-call', () => void engine.hangUp()), [engine]);

  if (!session?.user) return null;
  let screen;
  if (call.phase === 'outgoing') screen = <OutgoingCall call={call} engine={engine} />;
  else if (inCall)
    screen = (
      <InCall
        call={call}
        engine={engine}
        recordingPolicy={settings?.recordingPolicy ?? 'allowed'}
      />
    );
  else if (showSettings && settings)
    screen = (
      <SettingsScreen
        view={settings}
        onClose={() => {
          setShowSettings(false);
        }}
      />
    );
  else
    screen = (
      <HomeScreen
        session={session}
        connection={connection}
        circles={circles}
        circlesError={error}
        call={call}
        engine={engine}
        onSettings={() => {
          setShowSettings(true);
        }}
      />
    );
  return (
    <>
      {screen}
      {call.phase === 'incoming' && <IncomingCallDialog call={call} engine={engine} />}
    </>
  );
}

export function App() {
  const session = useSession();
  const settings = useSettings();
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const signedIn = session?.status === 'signed-in';
  const userId = signedIn ? session.user?.id : undefined;

  const engine = useMemo(
    () =>
      userId
        ? createCallEngine({
            bridge: advisor,
            recordingPolicy: () => settingsRef.current?.recordingPolicy ?? 'allowed',
            devices: () => ({
              cameraId: settingsRef.current?.values.cameraId ?? null,
              microphoneId: settingsRef.current?.values.microphoneId ?? null,
              speakerId: settingsRef.current?.values.speakerId ?? null,
            }),
            startMuted: () => settingsRef.current?.values.startMuted ?? false,
            startWithCameraOff: () => settingsRef.current?.values.startWithCameraOff ?? false,
          })
        : null,
    [userId],
  );
  useEffect(() => () => engine?.dispose(), [engine]);

  if (!session) return <main className="centered" aria-busy="true" />;
  if (!signedIn || !engine) return <SignInScreen session={session} settings={settings} />;
  return <SignedIn settings={settings} engine={engine} />;
}
