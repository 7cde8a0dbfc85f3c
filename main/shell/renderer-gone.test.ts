import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import type { BrowserWindow } from 'electron';
import { MockBrowserWindow, resetElectronMock } from '../testing/electron-mock.ts';
import { recoverFromRendererCrash } from './renderer-gone.ts';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const gone = (window: MockBrowserWindow, reason: string) =>
  window.webContents.emit('render-process-gone', {}, { reason, exitCode: 139 });

beforeEach(() => {
  resetElectronMock();
});

describe('when the renderer dies', () => {
  it('closes open recordings as interrupted first, then reloads the window', async () => {
    const window = new MockBrowserWindow();
    const order: string[] = [];
    const log = vi.fn();
    window.webContents.reload.mockImplementation(() => order.push('reload'));
    recoverFromRendererCrash(window as unknown as BrowserWindow, {
      interruptRecordings: () => {
        order.push('interrupt');
        return Promise.resolve([]);
      },
      log,
    });
    gone(window, 'crashed');
    await flush();
    expect(order).toEqual(['interrupt', 'reload']);
    expect(log).toHaveBeenCalledWith('window.renderer-gone', { reason: 'crashed', exitCode: 139 });
  });

  it('still reloads when interrupting fails, and says so in the log', async () => {
    const window = new MockBrowserWindow();
    const log = vi.fn();
    recoverFromRendererCrash(window as unknown as BrowserWindow, {
      interruptRecordings: () => Promise.reject(new TypeError('disk gone')),
      log,
    });
    gone(window, 'oom');
    await flush();
    expect(window.webContents.reload).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('recording.interrupt-failed', { error: 'TypeError' });
  });

  it('gives up reloading a renderer that keeps dying, and not on a clean exit', async () => {
    const window = new MockBrowserWindow();
    const log = vi.fn();
    let t = 0;
    recoverFromRendererCrash(window as unknown as BrowserWindow, {
      interruptRecordings: () => Promise.resolve([]),
      log,
      now: () => t,
    });
    gone(window, 'clean-exit');
    await flush();
    expect(window.webContents.reload).not.toHaveBeenCalled();
    for (let i = 0; i < 5; i++) {
      t += 1_000;
      gone(window, 'crashed');
      await flush();
    }
    expect(window.webContents.reload).toHaveBeenCalledTimes(3);
    expect(log).toHaveBeenCalledWith('window.reload-given-up', { reloads: 3 });
    t += 60_000; // a minute later it is a new crash, worth a reload again
    gone(window, 'crashed');
    await flush();
    expect(window.webContents.reload).toHaveBeenCalledTimes(4);
  });
});
