/**
 * Main's services behind the router, built from their collaborators. The Electron shell
 * (main/index.ts) passes electron-store, keytar and Electron dialogs; the browser test host
 * (e2e/host) passes conf, keytar and stand-ins for the dialogs — the same services either way.
 */
import { io } from 'socket.io-client';
import type { EventSink } from './ipc/event-sink.ts';
import { createRouter, type Router } from './ipc/router.ts';
import { createKeychainVault } from './auth/vault.ts';
import { registerClipboard, type WriteClipboard } from './clipboard/register-clipboard.ts';
import type { Keychain } from './auth/keychain.ts';
import { registerDirectory } from './directory/register-directory.ts';
import { createGuestLinks, type GuestLinks } from './guests/guest-links.ts';
import { registerGuests } from './guests/register-guests.ts';
import { createRecordingWriter, type RecordingWriter } from './recording/writer.ts';
import { registerRecording } from './recording/register-recording.ts';
import { registerSession } from './session/register-session.ts';
import { createSession, type Session } from './session/session.ts';
import type { Fetch } from './session/server-api.ts';
import { loadPolicy } from './settings/policy.ts';
import { registerSettings } from './settings/register-settings.ts';
import { createSettings, type Settings, type SettingsStore } from './settings/settings.ts';
import { createSignaling, type Signaling } from './signaling/connection.ts';
import { registerSignaling } from './signaling/register-signaling.ts';

export interface ServicesOptions {
  /** The origin our renderer is served from (app://advisor, or the test host's). */
  trustedOrigin: string;
  store: SettingsStore;
  keychain: Keychain;
  /** Path of IT's policy file (per OS; an env var may override it). */
  policyFile: string;
  documentsDir: string;
  appVersion: string;
  sink: EventSink;
  chooseFolder: (current: string) => Promise<string | null>;
  revealFile: (path: string) => void;
  /** Puts text on the OS clipboard (Electron's clipboard in the app; recorded in the test host). */
  writeClipboard: WriteClipboard;
  fetch?: Fetch;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface Services {
  router: Router;
  session: Session;
  signaling: Signaling;
  settings: Settings;
  recordings: RecordingWriter;
  guestLinks: GuestLinks;
  /** Resumes the stored session and connects, as at app start. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function createServices(options: ServicesOptions): Services {
  const log = options.log ?? (() => undefined);
  const router = createRouter({
    trustedOrigin: options.trustedOrigin,
    onInternalError: (channel, error) => {
      log('ipc.internal-error', {
        channel,
        error: error instanceof Error ? error.name : 'unknown',
      });
    },
  });
  const settings = createSettings({
    store: options.store,
    policy: loadPolicy(options.policyFile),
    documentsDir: options.documentsDir,
    sink: options.sink,
    chooseFolder: options.chooseFolder,
  });
  const session = createSession({
    vault: createKeychainVault(options.keychain),
    fetch: options.fetch ?? fetch,
    serverUrl: () => settings.serverUrl(),
    rememberServerUrl: (url) => {
      if (!settings.view().managed.includes('serverUrl')) settings.set({ serverUrl: url });
    },
    onChange: (state) => {
      options.sink('session:changed', state);
      if (state.status === 'signed-in' && state.serverUrl) {
        if (signaling.state().status === 'offline') signaling.connect(state.serverUrl);
      } else if (state.status !== 'signing-in') {
        signaling.disconnect();
      }
    },
    log,
  });
  const signaling = createSignaling({
    session,
    io,
    onState: (state) => {
      options.sink('signal:connection', state);
    },
    onEvent: (signal) => {
      options.sink('signal:event', signal);
    },
    log,
  });
  const recordings = createRecordingWriter({
    folder: () => settings.recordingsFolder(),
    policy: () => settings.recordingPolicy(),
    appVersion: options.appVersion,
  });

  registerSession(router, {
    session,
    policy: {
      pinnedServerUrl: () =>
        settings.view().managed.includes('serverUrl') ? settings.serverUrl() : null,
    },
  });
  registerSignaling(router, signaling);
  registerDirectory(router, {
    session,
    pinnedIceServers: () => settings.iceServers(),
    pinnedTransportPolicy: () => settings.iceTransportPolicy(),
  });
  registerSettings(router, settings);
  registerRecording(router, { writer: recordings, revealFile: options.revealFile });
  const guestLinks = createGuestLinks({
    session,
    validForMinutes: () => settings.guestLinkMinutes(),
    log,
  });
  registerGuests(router, guestLinks);
  registerClipboard(router, options.writeClipboard);

  return {
    router,
    session,
    signaling,
    settings,
    recordings,
    guestLinks,
    async start() {
      await recordings.recoverInterrupted().catch((error: unknown) => {
        log('recording.recover-failed', { error: error instanceof Error ? error.name : 'unknown' });
      });
      await session.resume().catch((error: unknown) => {
        log('session.resume-failed', { error: error instanceof Error ? error.name : 'unknown' });
      });
    },
    async dispose() {
      signaling.disconnect();
      session.dispose();
      await recordings.stopAll();
    },
  };
}
