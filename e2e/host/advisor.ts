/**
 * One advisor's app in the test host: a browser context (the window), main's real services on
 * temp folders behind the bridge, and the shell's app and screen channels with the OS parts
 * (notifications, power-save, the screen picker's desktopCapturer) recorded instead of shown.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import Conf from 'conf';
import keytar from 'keytar';
import type { Keychain } from '../../main/auth/keychain.ts';
import { createServices, type Services, type ServicesOptions } from '../../main/services.ts';
import { registerAppChannels } from '../../main/shell/app-channels.ts';
import { registerScreen } from '../../main/media/register-screen.ts';
import { startUpdates } from '../../main/update/register-updates.ts';
import type { AutoUpdater, Updater } from '../../main/update/updater.ts';
import { settingsStoreOptions } from '../../main/settings/store-options.ts';
import { PASSWORD } from '../../server/testing/harness.ts';
import { namespacedKeychain } from './namespaced-keychain.ts';
import { installBridge, pageSink } from './page-bridge.ts';
import { createHostScreenSources } from './screen-sources.ts';

export interface AdvisorOptions {
  username: string;
  serverUrl: string;
  rendererOrigin: string;
  /** Sign in through the services before the window opens (as a resumed session would be). */
  signedIn?: boolean;
  /** IT policy file contents for this advisor (object, or raw text for malformed-policy tests). */
  policy?: unknown;
  /** Replaces the OS keychain (e.g. one that is unavailable). */
  keychain?: Keychain;
  /** What the folder picker answers. */
  chosenFolder?: string | null;
  /**
   * electron-updater's autoUpdater, which needs a packaged app and an update server: a test
   * passes a stand-in, and the host starts the app's real update wiring around it.
   */
  autoUpdater?: AutoUpdater;
  /** What app:info says the OS is (e.g. 'win32', where screen sharing can carry the computer's sound). */
  platform?: NodeJS.Platform;
  /** A firm's network (proxy, trust store) for main's REST and socket: host/firm-network.ts. */
  network?: Pick<ServicesOptions, 'fetch' | 'socketTransport'>;
}

export interface Advisor {
  username: string;
  page: Page;
  context: BrowserContext;
  services: Services;
  /** Main's side of the window: whether it counts the app in a call, and the quit it asks. */
  shell: {
    inCall(): boolean;
    /** The advisor confirmed "Quit and end the call?" (main/shell/lifecycle.ts). */
    quitConfirmed(): void;
  };
  folder: string;
  recordingsFolder(): string;
  notifications: { title: string; body: string }[];
  revealed: string[];
  /** Every text the app put on the clipboard (clipboard:write-text), in order. */
  clipboard: string[];
  /** Local and remote candidate types of the selected pair of the latest peer connection. */
  selectedCandidates(): Promise<{ local: string; remote: string } | null>;
  /** Tracks the page's getUserMedia/getDisplayMedia produced, and whether each has ended. */
  mediaTracks(): Promise<{ kind: string; label: string; state: string }[]>;
  close(): Promise<void>;
}

/** Records every captured track so a test can check that none is left running. */
const TRACK_REGISTRY = `(() => {
  const tracks = [];
  window.__capturedTracks = tracks;
  const wrap = (name) => {
    const original = navigator.mediaDevices[name].bind(navigator.mediaDevices);
    navigator.mediaDevices[name] = async (...args) => {
      const stream = await original(...args);
      tracks.push(...stream.getTracks());
      return stream;
    };
  };
  wrap('getUserMedia');
  wrap('getDisplayMedia');
  const connections = [];
  window.__peerConnections = connections;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    connections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  // Its statics too (generateCertificate), as the real constructor has them.
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;

export async function launchAdvisor(browser: Browser, options: AdvisorOptions): Promise<Advisor> {
  const folder = mkdtempSync(join(tmpdir(), `rr-advisor-${options.username}-`));
  const documents = join(folder, 'Documents');
  mkdirSync(documents, { recursive: true });
  const policyFile = join(folder, 'policy.json');
  if (options.policy !== undefined) {
    writeFileSync(
      policyFile,
      typeof options.policy === 'string' ? options.policy : JSON.stringify(options.policy),
    );
  }
  const store = new Conf(
    settingsStoreOptions({ cwd: join(folder, 'settings'), documentsDir: documents }),
  );
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const notifications: { title: string; body: string }[] = [];
  const revealed: string[] = [];
  const clipboard: string[] = [];
  const sink = pageSink(page);

  const services = createServices({
    trustedOrigin: new URL(options.rendererOrigin).origin,
    store,
    keychain: options.keychain ?? namespacedKeychain(keytar, `${options.username}-${folder}`),
    policyFile,
    documentsDir: documents,
    appVersion: '0.0.0-test',
    sink,
    chooseFolder: () => Promise.resolve(options.chosenFolder ?? null),
    revealFile: (path) => revealed.push(path),
    writeClipboard: (text) => {
      clipboard.push(text);
    },
    ...options.network,
  });
  let powerSaveId = 0;
  let updater: Updater | null = null;
  const appChannels = registerAppChannels(services.router, {
    version: '0.0.0-test',
    platform: options.platform ?? process.platform,
    powerSave: { start: () => ++powerSaveId, stop: () => undefined },
    notify: (title, body) => {
      notifications.push({ title, body });
      return true;
    },
    isWindowFocused: () => false,
    onCallEnded: () => {
      updater?.callEnded();
    },
    sink,
  });
  if (options.autoUpdater) {
    updater = startUpdates({
      autoUpdater: options.autoUpdater,
      settings: services.settings,
      isInCall: () => appChannels.isInCall(),
      sink,
      // A signed Windows install with an https feed, so only the policy decides here; the Linux
      // default and the feed checks are main/update/register-updates.test.ts's.
      installer: { platform: 'win32', feedUrl: 'https://updates.example.invalid/advisor' },
    });
  }
  registerScreen(services.router, createHostScreenSources());

  await installBridge(context, page, services.router);
  // As the Electron shell does (main/shell/renderer-gone.ts, main/shell/page-lost.ts): a crash
  // closes the recordings the page fed; a crash or a reload leaves the call the page was in.
  const pageLost = () => {
    if (appChannels.pageGone()) services.leaveCallOfLostPage();
  };
  page.on('crash', () => {
    void services.recordings.interruptAll();
    pageLost();
  });
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) pageLost();
  });
  await context.addInitScript({ content: TRACK_REGISTRY });
  await services.start();
  if (options.signedIn) {
    await services.session.signIn({
      serverUrl: options.serverUrl,
      username: options.username,
      password: PASSWORD,
    });
  }
  await page.goto(`${options.rendererOrigin}/index.html`);

  return {
    username: options.username,
    page,
    context,
    services,
    shell: {
      inCall: () => appChannels.isInCall(),
      quitConfirmed: () => {
        sink('app:quit-requested-in-call', null);
      },
    },
    folder,
    recordingsFolder: () => services.settings.recordingsFolder(),
    notifications,
    revealed,
    clipboard,
    selectedCandidates: () =>
      page.evaluate(async () => {
        const pcs =
          (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ??
          [];
        const pc = pcs.at(-1);
        if (!pc) return null;
        const stats = await pc.getStats();
        let pair: Record<string, unknown> | undefined;
        stats.forEach((s: Record<string, unknown>) => {
          if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
            pair = stats.get(s.selectedCandidatePairId) as Record<string, unknown> | undefined;
          }
        });
        if (!pair) return null;
        const local = stats.get(String(pair.localCandidateId)) as
          { candidateType?: string } | undefined;
        const remote = stats.get(String(pair.remoteCandidateId)) as
          { candidateType?: string } | undefined;
        return { local: local?.candidateType ?? '?', remote: remote?.candidateType ?? '?' };
      }),
    mediaTracks: () =>
      page.evaluate(() =>
        (
          (window as unknown as { __capturedTracks?: MediaStreamTrack[] }).__capturedTracks ?? []
        ).map((t) => ({
          kind: t.kind,
          label: t.label,
          state: t.readyState,
        })),
      ),
    async close() {
      updater?.stop();
      await services.dispose();
      await context.close();
      // Leave no test secrets behind in the keychain.
      if (!options.keychain) {
        await services.session.signOut().catch(() => undefined);
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
