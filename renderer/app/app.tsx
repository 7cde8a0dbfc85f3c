/**
 * The root: signed out → the sign-in form; signed in → the call engine (made once per session,
 * disposed on sign-out: camera off, call ended) and the screens that follow from it.
 */
import { useEffect, useRef, useState } from 'react';
import { advisor } from '../bridge.ts';
import { createCallEngine } from '../call/engine.ts';
import type { CallEngine } from '../call/types.ts';
import { useSession } from './hooks/use-session.ts';
import { useSettings } from './hooks/use-settings.ts';
import { SignedInApp } from './signed-in-app.tsx';
import { SignInScreen } from './sign-in-screen.tsx';
import { UpdateNotice } from './update-notice.tsx';

export function App() {
  const session = useSession();
  const settings = useSettings();
  // The engine reads settings when it needs them (at call time), not when it is made.
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const userId = session?.status === 'signed-in' ? (session.user?.id ?? null) : null;
  const [engine, setEngine] = useState<CallEngine | null>(null);

  useEffect(() => {
    if (userId === null) return;
    const made = createCallEngine({
      bridge: advisor,
      // Until settings arrive, the strictest reading: no recording.
      recordingPolicy: () => settingsRef.current?.recordingPolicy ?? 'disabled',
      devices: () => ({
        cameraId: settingsRef.current?.values.cameraId ?? null,
        microphoneId: settingsRef.current?.values.microphoneId ?? null,
        speakerId: settingsRef.current?.values.speakerId ?? null,
      }),
      startMuted: () => settingsRef.current?.values.startMuted ?? false,
      startWithCameraOff: () => settingsRef.current?.values.startWithCameraOff ?? false,
    });
    setEngine(made);
    return () => {
      made.dispose();
      setEngine(null);
    };
  }, [userId]);

  // One notice for the whole app, so an update's progress survives a change of screen.
  return (
    <>
      <UpdateNotice />
      {screen()}
    </>
  );

  function screen() {
    if (!session) {
      return (
        <main className="centered" aria-busy="true">
          <p className="muted">Starting…</p>
        </main>
      );
    }
    if (session.status !== 'signed-in' || !session.user) {
      return <SignInScreen session={session} settings={settings} />;
    }
    if (!engine) {
      return (
        <main className="centered" aria-busy="true">
          <p className="muted">Getting ready…</p>
        </main>
      );
    }
    return <SignedInApp session={session} settings={settings} engine={engine} />;
  }
}
