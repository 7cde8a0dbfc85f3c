/**
 * Auto-update from the folder IT hosts (electron-updater's generic provider; the URL is baked into
 * app-update.yml at build time). IT's policy decides: with `autoUpdate: false` nothing here touches
 * the updater at all. Updates download in the background and install only through quitAndInstall
 * while no call is running: one downloaded during a call waits until the call ends.
 */
import type { ProgressInfo, UpdateDownloadedEvent } from 'electron-updater';

/**
 * The slice of electron-updater's `autoUpdater` we use (the real one satisfies it, which the test
 * checks at compile time); tests pass a fake event emitter.
 */
export interface AutoUpdater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  channel: string | null;
  on(event: 'download-progress', listener: (info: ProgressInfo) => void): unknown;
  on(event: 'update-downloaded', listener: (event: UpdateDownloadedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'download-progress', listener: (info: ProgressInfo) => void): unknown;
  removeListener(
    event: 'update-downloaded',
    listener: (event: UpdateDownloadedEvent) => void,
  ): unknown;
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdatePolicy {
  autoUpdate: boolean;
  /** A channel IT pins (e.g. "stable"); electron-updater then reads `<channel>.yml`. */
  channel?: string | undefined;
}

export interface UpdateProgress {
  percent: number;
  transferred: number;
  total: number;
  bytesPerSecond: number;
}

/** What the advisor is told: the update's progress, and why it has not installed yet. */
export type UpdateStage =
  { stage: 'waiting-for-call-end'; version: string } | { stage: 'installing'; version: string };

export interface UpdaterOptions {
  autoUpdater: AutoUpdater;
  policy: UpdatePolicy;
  isInCall: () => boolean;
  onProgress?: (progress: UpdateProgress) => void;
  onStage?: (stage: UpdateStage) => void;
  log?: (event: string, fields?: Record<string, string | number>) => void;
  /** How often a running app looks for a new version (default 4 hours). */
  checkIntervalMs?: number;
}

export interface Updater {
  /** Applies the policy and starts checking; does nothing when the policy turns updates off. */
  start(): void;
  /** Main calls this whenever a call ends: an update that waited for it installs now. */
  callEnded(): void;
  /** True once an update is downloaded and waits for the current call to end. */
  readonly waitingForCallEnd: boolean;
  stop(): void;
}

const FOUR_HOURS = 4 * 60 * 60 * 1000;

export function createUpdater(options: UpdaterOptions): Updater {
  const { autoUpdater, policy, isInCall } = options;
  const log = options.log ?? (() => undefined);
  let started = false;
  let downloadedVersion: string | undefined;
  let waiting = false;
  let installing = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  const install = (): void => {
    if (installing) return;
    const version = downloadedVersion ?? '';
    if (isInCall()) {
      waiting = true;
      log('update.waiting-for-call-end', { version });
      options.onStage?.({ stage: 'waiting-for-call-end', version });
      return;
    }
    waiting = false;
    installing = true;
    log('update.installing', { version });
    options.onStage?.({ stage: 'installing', version });
    try {
      // Silent installer, then start the new version.
      autoUpdater.quitAndInstall(true, true);
    } catch (error) {
      // e.g. macOS refuses to replace an app that is not in a writable folder: keep running.
      installing = false;
      log('update.install-failed', { error: error instanceof Error ? error.message : 'unknown' });
    }
  };

  const check = (): void => {
    // Once downloaded there is nothing newer to fetch until the restart.
    if (downloadedVersion !== undefined) return;
    autoUpdater.checkForUpdates().catch((error: unknown) => {
      // Offline or the update server is down: try again at the next interval.
      log('update.check-failed', { error: error instanceof Error ? error.message : 'unknown' });
    });
  };

  const onProgress = (info: ProgressInfo): void => {
    options.onProgress?.({
      percent: info.percent,
      transferred: info.transferred,
      total: info.total,
      bytesPerSecond: info.bytesPerSecond,
    });
  };
  const onDownloaded = (event: UpdateDownloadedEvent): void => {
    downloadedVersion = event.version;
    log('update.downloaded', { version: event.version });
    install();
  };
  // electron-updater also emits 'error' for failed downloads; without a listener it would throw.
  const onError = (error: Error): void => {
    log('update.error', { error: error.message });
  };

  return {
    start() {
      if (!policy.autoUpdate || started) return;
      started = true;
      autoUpdater.autoDownload = true;
      // One install path: quitAndInstall, and only outside a call.
      autoUpdater.autoInstallOnAppQuit = false;
      if (policy.channel) autoUpdater.channel = policy.channel;
      autoUpdater.on('download-progress', onProgress);
      autoUpdater.on('update-downloaded', onDownloaded);
      autoUpdater.on('error', onError);
      check();
      timer = setInterval(check, options.checkIntervalMs ?? FOUR_HOURS);
      timer.unref();
    },
    callEnded() {
      if (waiting) install();
    },
    get waitingForCallEnd() {
      return waiting;
    },
    stop() {
      if (!started) return;
      clearInterval(timer);
      autoUpdater.removeListener('download-progress', onProgress);
      autoUpdater.removeListener('update-downloaded', onDownloaded);
      autoUpdater.removeListener('error', onError);
      started = false;
    },
  };
}
