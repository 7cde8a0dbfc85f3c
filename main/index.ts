/**
 * The Electron entry: wiring only. Every decision (what the window may do, which origin gets the
 * camera, who may call the bridge, when quitting asks first) lives in the modules imported here,
 * where it is tested.
 *
 * Bundled by Forge's Vite plugin into `.vite/build/main.cjs` (CommonJS), beside `preload.cjs`; the
 * renderer is built into `.vite/renderer/main_window/`.
 */
import { join } from 'node:path';
import {
  app,
  clipboard,
  desktopCapturer,
  dialog,
  Menu,
  Notification,
  powerSaveBlocker,
  protocol,
  session,
  shell,
  systemPreferences,
  type BrowserWindow,
} from 'electron';
import ElectronStore from 'electron-store';
import { autoUpdater } from 'electron-updater';
import keytar from 'keytar';
import { electronClipboardWriter } from './clipboard/register-clipboard.ts';
import { copyFromMenu } from './diagnostics/copy-from-menu.ts';
import { createWindowEventSink, registerIpc } from './ipc/electron-ipc.ts';
import { createLogFile } from './log/log-file.ts';
import { createMainLog } from './log/main-log.ts';
import { registerScreen } from './media/register-screen.ts';
import { createScreenSources } from './media/screen-sources.ts';
import { createAppNetwork } from './net/app-network.ts';
import { interruptRecordingsWhenPageGoes } from './recording/page-lifecycle.ts';
import { whenPageIsLost } from './shell/page-lost.ts';
import { createServices } from './services.ts';
import { policyFilePath } from './settings/policy.ts';
import { settingsStoreOptions } from './settings/store-options.ts';
import { installAppMenu } from './shell/app-menu.ts';
import { electronNotifier, electronPowerSave, registerAppChannels } from './shell/app-channels.ts';
import {
  claimSingleInstance,
  disposeBeforeQuit,
  focusWindow,
  installQuitGuard,
} from './shell/lifecycle.ts';
import { guardNavigation } from './shell/navigation.ts';
import { applyPermissionPolicy } from './shell/permissions.ts';
import { recoverFromRendererCrash } from './shell/renderer-gone.ts';
import { APP_ORIGIN, registerAppScheme, serveAppProtocol } from './shell/protocol.ts';
import { createMainWindow, devServerUrlFrom } from './shell/window.ts';
import { startUpdates } from './update/register-updates.ts';
import { readFeedUrl } from './update/update-gate.ts';
import type { Updater } from './update/updater.ts';

// Defined by Forge's Vite plugin: the renderer's dev server under `electron-forge start`,
// undefined in a built app.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;

const BUILD_DIR = __dirname;
const PRELOAD = join(BUILD_DIR, 'preload.cjs');
const RENDERER = join(BUILD_DIR, '..', 'renderer', 'main_window');

const devServerUrl = app.isPackaged
  ? undefined
  : devServerUrlFrom(
      typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string'
        ? MAIN_WINDOW_VITE_DEV_SERVER_URL
        : undefined,
    );
const trustedOrigin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;

// Development and the smoke test may use a throw-away profile; a packaged app never does.
const userDataOverride = process.env.ADVISOR_USER_DATA_DIR;
if (!app.isPackaged && userDataOverride) app.setPath('userData', userDataOverride);

// JSON lines in <userData>/logs/main.log (rotated, owner-only, scrubbed), and on the console.
const mainLog = createMainLog({
  file: createLogFile({ dir: join(app.getPath('userData'), 'logs') }),
});
const { log } = mainLog;

let mainWindow: BrowserWindow | null = null;

function start(): void {
  serveAppProtocol(protocol, RENDERER);
  applyPermissionPolicy(session.defaultSession, [trustedOrigin]);

  // Window, services, channels and IPC in one synchronous run: no message from the page can
  // arrive before every handler is in place.
  const window = createMainWindow({
    preloadPath: PRELOAD,
    devServerUrl,
    packaged: app.isPackaged,
    onLoadFailed: (error) => {
      log('window.load-failed', { error: error instanceof Error ? error.message : 'unknown' });
    },
  });
  mainWindow = window;
  window.on('closed', () => {
    mainWindow = null;
  });
  const sink = createWindowEventSink(window, (event, reason) => {
    log('ipc.event-dropped', { event, reason });
  });

  const documentsDir = app.getPath('documents');
  const network = createAppNetwork({ parentWindow: () => mainWindow, log });
  const services = createServices({
    trustedOrigin,
    store: new ElectronStore(settingsStoreOptions({ cwd: app.getPath('userData'), documentsDir })),
    keychain: keytar,
    // Only an unpackaged build may point elsewhere (ADVISOR_POLICY_FILE): a user must not swap it.
    policyFile: policyFilePath(process.platform, process.env, { packaged: app.isPackaged }),
    documentsDir,
    appVersion: app.getVersion(),
    sink,
    chooseFolder: async (current, title) => {
      const result = await dialog.showOpenDialog(window, {
        title,
        defaultPath: current,
        properties: ['openDirectory', 'createDirectory'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    revealFile: (path) => {
      shell.showItemInFolder(path);
    },
    writeClipboard: electronClipboardWriter(clipboard),
    // The system proxy (PAC, sign-in prompt) and the OS trust store, for REST and the socket.
    fetch: network.fetch,
    socketTransport: network.socketTransport,
    packaged: app.isPackaged,
    log,
    mainLog,
  });
  installAppMenu(Menu, {
    platform: process.platform,
    appName: app.getName(),
    version: app.getVersion(),
    packaged: app.isPackaged,
    onCopyDiagnostics: () => {
      void copyFromMenu(services.diagnostics, (options) => dialog.showMessageBox(window, options));
    },
  });

  let updater: Updater | null = null;
  const appChannels = registerAppChannels(services.router, {
    version: app.getVersion(),
    platform: process.platform,
    powerSave: electronPowerSave(powerSaveBlocker),
    notify: electronNotifier(Notification),
    isWindowFocused: () => !window.isDestroyed() && window.isFocused(),
    focusWindow: () => {
      focusWindow(mainWindow);
    },
    onCallEnded: () => {
      updater?.callEnded();
    },
    sink,
  });
  const screenSources = createScreenSources({
    desktopCapturer,
    systemPreferences,
    platform: process.platform,
    shell,
    trustedOrigins: [trustedOrigin],
  });
  registerScreen(services.router, screenSources);
  session.defaultSession.setDisplayMediaRequestHandler((request, callback) => {
    screenSources.displayMediaRequestHandler(request, callback);
  });

  const unhandled = services.router.unhandled();
  if (unhandled.length > 0) log('ipc.unhandled-channels', { channels: unhandled.join(',') });
  registerIpc(services.router, window);

  recoverFromRendererCrash(window, {
    interruptRecordings: () => services.recordings.interruptAll(),
    log,
  });
  // A reload, a navigation or the window closing ends the page's MediaRecorder too.
  interruptRecordingsWhenPageGoes(window.webContents, services.recordings, log);
  whenPageIsLost(window.webContents, () => {
    if (appChannels.pageGone()) services.leaveCallOfLostPage();
  });
  installQuitGuard({
    window,
    callState: () => appChannels.callState(),
    onConfirmed: () => {
      sink('app:quit-requested-in-call', null);
    },
  });
  // Only a packaged app has an update feed (app-update.yml) to read.
  if (app.isPackaged) {
    updater = startUpdates({
      autoUpdater,
      settings: services.settings,
      isInCall: () => appChannels.isInCall(),
      sink,
      log,
      installer: {
        platform: process.platform,
        feedUrl: readFeedUrl(join(process.resourcesPath, 'app-update.yml')),
      },
    });
  }
  disposeBeforeQuit(async () => {
    updater?.stop();
    appChannels.dispose();
    await services.dispose();
  });

  void services.start();
}

registerAppScheme(protocol); // before ready, or Chromium treats app:// as an opaque scheme

if (claimSingleInstance(() => mainWindow)) {
  // Every webContents, including any we did not mean to create, stays on our origin.
  app.on('web-contents-created', (_event, contents) => {
    guardNavigation(contents, [trustedOrigin]);
  });
  // One window: closing it ends the app (and the guard asks first during a call).
  app.on('window-all-closed', () => {
    app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      dialog.showErrorBox(
        'RichesReach Advisor could not start',
        error instanceof Error ? error.message : String(error),
      );
      app.exit(1);
    });
}
