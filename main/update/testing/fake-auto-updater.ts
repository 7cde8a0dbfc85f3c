import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** electron-updater's autoUpdater at the thinnest seam: an event emitter with its settings and two calls. */
export class FakeAutoUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  channel: string | null = null;
  checkForUpdates = vi.fn(() => Promise.resolve(null));
  quitAndInstall = vi.fn();
  /** Every property the updater assigns, in order. */
  readonly assigned: string[] = [];

  constructor() {
    super();
    // Record writes so "does nothing at all" also covers settings, not only calls.
    for (const key of ['autoDownload', 'autoInstallOnAppQuit', 'channel'] as const) {
      let value: unknown = this[key];
      Object.defineProperty(this, key, {
        get: () => value,
        set: (next: unknown) => {
          this.assigned.push(key);
          value = next;
        },
      });
    }
  }

  download(version: string): void {
    this.emit('download-progress', { percent: 50, transferred: 5, total: 10, bytesPerSecond: 1 });
    this.emit('update-downloaded', { version, downloadedFile: `/tmp/advisor-${version}` });
  }
}
