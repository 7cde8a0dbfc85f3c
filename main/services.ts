/**
 * Main's services behind the router, built from their collaborators. The Electron shell
 * (main/index.ts) passes electron-store, keytar and Electron dialogs; the browser test host
 * (e2e/host) passes conf, keytar and stand-ins for the dialogs — the same services either way.
 */
import { io } from 'socket.io-client';
import { registerArchive } from './archive/register-archive.ts';
import type { EventSink } from './ipc/event-sink.ts';
import { createRouter, type Router } from './ipc/router.ts';
import { createKeychainVault } from './auth/vault.ts';
import { registerClipboard, type WriteClipboard } from './clipboard/register-clipboard.ts';
import type { Keychain } from './auth/keychain.ts';
import { registerDirectory } from './directory/register-directory.ts';
import {
  createDiagnostics,
  registerDiagnostics,
  type Diagnostics,
} from './diagnostics/register-diagnostics.ts';
import { createGuestLinks, type GuestLinks } from './guests/guest-links.ts';
import type { MainLog } from './log/main-log.ts';
import { registerGuests } from './guests/register-guests.ts';
import type { RecordingWriter } from './recording/writer.ts';
import { witnessedSignaling } from './recording/call-witness.ts';
import { createRecordingServices } from './recording/recording-services.ts';
import { registerRecording } from './recording/register-recording.ts';
import { registerSession } from './session/register-session.ts';
import { createSession, type Session } from './session/session.ts';
import type { Fetch } from './session/server-api.ts';
import type { SocketTransportFor } from './net/proxy-agent.ts';
import { loadPolicy } from './settings/policy.ts';
import { registerSettings } from './settings/register-settings.ts';
import { createSettings, type Settings, type SettingsStore } from './settings/settings.ts';
import { updatesByDefault } from './update/update-gate.ts';
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
  /** The OS folder picker, opened at `current`, titled for what the folder is for. */
  chooseFolder: (current: string, title: string) => Promise<string | null>;
  revealFile: (path: string) => void;
  /** Puts text on the OS clipboard (Electron's clipboard in the app; recorded in the test host). */
  writeClipboard: WriteClipboard;
  /** Main's HTTP: Chromium's network stack in the app (net-fetch.ts), Node's fetch by default. */
  fetch?: Fetch;
  /** The signaling socket's proxy route and CAs (proxy-agent.ts); direct with Node's CAs by default. */
  socketTransport?: SocketTransportFor;
  /** A packaged app accepts https:// servers only; unpackaged also http:// on loopback. */
  packaged?: boolean;
  /** The OS, for what Settings says of automatic updates (default: this process's). */
  platform?: NodeJS.Platform;
  log?: (event: string, fields?: Record<string, string | number>) => void;
  /** Main's log file, for the recent errors in Copy diagnostics (none in the test host). */
  mainLog?: Pick<MainLog, 'recentErrors' | 'path'>;
}

export interface Services {
  router: Router;
  session: Session;
  signaling: Signaling;
  settings: Settings;
  recordings: RecordingWriter;
  guestLinks: GuestLinks;
  /** The Copy diagnostics report (Help menu and Settings). */
  diagnostics: Diagnostics;
  /** Resumes the stored session and connects, as at app start. */
  start(): Promise<void>;
  /**
   * The page that was in a call is gone (its renderer crashed) and loads again, knowing nothing
   * of it. A new socket makes the server see this app leave the call: the others see it go, and
   * the server rings it back in (rejoin.ts), for the new page to answer.
   */
  leaveCallOfLostPage(): void;
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
  const serverUrlRule = { allowLoopbackHttp: !(options.packaged ?? false) };
  const policy = loadPolicy(options.policyFile, serverUrlRule);
  const settings = createSettings({
    store: options.store,
    policy,
    serverUrlRule,
    autoUpdateByDefault: updatesByDefault(options.platform ?? process.platform),
    documentsDir: options.documentsDir,
    sink: options.sink,
    chooseFolder: options.chooseFolder,
  });
  const session = createSession({
    vault: createKeychainVault(options.keychain),
    fetch: options.fetch ?? fetch,
    serverUrlRule,
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
  // Main's own account of each call (who, consent) for recording manifests, from the signaling it relays.
  const recording = createRecordingServices({
    keychain: options.keychain,
    session,
    folder: () => settings.recordingsFolder(),
    policy: () => settings.recordingPolicy(),
    loadedPolicy: policy,
    appVersion: options.appVersion,
    log,
  });
  const signaling = createSignaling({
    session,
    io,
    ...(options.socketTransport ? { transport: options.socketTransport } : {}),
    onState: (state) => {
      options.sink('signal:connection', state);
    },
    onEvent: (signal) => {
      recording.witness.received(signal);
      options.sink('signal:event', signal);
    },
    log,
  });
  const recordings = recording.writer;

  registerSession(router, {
    session,
    policy: {
      pinnedServerUrl: () =>
        settings.view().managed.includes('serverUrl') ? settings.serverUrl() : null,
    },
  });
  registerSignaling(router, witnessedSignaling(signaling, recording.witness));
  registerDirectory(router, {
    session,
    pinnedIceServers: () => settings.iceServers(),
    pinnedTransportPolicy: () => settings.iceTransportPolicy(),
  });
  registerSettings(router, settings);
  registerRecording(router, { ...recording, revealFile: options.revealFile });
  registerArchive(router, {
    writer: recording.writer,
    receipts: recording.receipts,
    chooseFolder: options.chooseFolder,
    defaultFolder: () => options.documentsDir,
    policy: () => policy.policy,
    signedInUser: () => session.state().user,
  });
  const guestLinks = createGuestLinks({
    session,
    validForMinutes: () => settings.guestLinkMinutes(),
    log,
  });
  registerGuests(router, guestLinks);
  registerClipboard(router, options.writeClipboard);
  const diagnostics = createDiagnostics({
    appVersion: options.appVersion,
    packaged: options.packaged ?? false,
    policyFile: options.policyFile,
    policy,
    serverUrl: () => settings.serverUrl(),
    connection: () => signaling.state(),
    writeClipboard: options.writeClipboard,
    ...(options.mainLog ? { log: options.mainLog } : {}),
  });
  registerDiagnostics(router, diagnostics);

  return {
    router,
    session,
    signaling,
    settings,
    recordings,
    guestLinks,
    diagnostics,
    async start() {
      const recovered = await recordings.recoverInterrupted().catch((error: unknown) => {
        log('recording.recover-failed', { error: error instanceof Error ? error.name : 'unknown' });
        return [];
      });
      await session.resume().catch((error: unknown) => {
        log('session.resume-failed', { error: error instanceof Error ? error.name : 'unknown' });
      });
      // The server is asked to vouch for what a crash left once the session is back.
      recording.receipts.recovered(recovered);
    },
    leaveCallOfLostPage() {
      const state = session.state();
      if (state.status !== 'signed-in' || !state.serverUrl) return;
      log('signaling.page-lost-in-call');
      signaling.connect(state.serverUrl); // drops the socket the call knew, opens a new one
    },
    async dispose() {
      signaling.disconnect();
      session.dispose();
      await recordings.stopAll();
      // Stop receipts asked for just now get a moment to land in their manifests.
      await recording.receipts.drain(5_000);
    },
  };
}
