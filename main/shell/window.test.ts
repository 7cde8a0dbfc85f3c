import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
import { APP_ENTRY_URL, createMainWindow, devServerUrlFrom } from './window.ts';

const HARDENED = {
  preload: '/app/preload.js',
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
  disableBlinkFeatures: 'Auxclick',
  devTools: false,
};

beforeEach(() => {
  resetElectronMock();
});

describe('main window', () => {
  it('creates a packaged window with exactly the hardened webPreferences (no DevTools) on app://advisor/index.html', () => {
    createMainWindow({ preloadPath: '/app/preload.js', packaged: true });
    expect(electronMock.windows).toHaveLength(1);
    const window = electronMock.windows[0]!;
    expect(window.options.webPreferences).toStrictEqual(HARDENED);
    expect(window.webContents.loadURL).toHaveBeenCalledWith('app://advisor/index.html');
    expect(APP_ENTRY_URL).toBe('app://advisor/index.html');
  });

  it('keeps DevTools for a development build, and nothing else changes', () => {
    createMainWindow({ preloadPath: '/app/preload.js', packaged: false });
    expect(electronMock.windows[0]!.options.webPreferences).toStrictEqual({
      ...HARDENED,
      devTools: true,
    });
  });

  it('stays hidden until painted, then shows', () => {
    createMainWindow({ preloadPath: '/app/preload.js', packaged: true });
    const window = electronMock.windows[0]!;
    expect(window.options.show).toBe(false);
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });

  it('loads the dev server in development', () => {
    createMainWindow({
      preloadPath: '/p.js',
      devServerUrl: 'http://localhost:5173/',
      packaged: false,
    });
    expect(electronMock.windows[0]!.webContents.loadURL).toHaveBeenCalledWith(
      'http://localhost:5173/',
    );
  });

  it('reports a failed load instead of leaving a rejected promise', async () => {
    const onLoadFailed = vi.fn();
    const failure = new Error('ERR_FAILED');
    electronMock.loadFailure = failure;
    const window = createMainWindow({ preloadPath: '/p.js', onLoadFailed, packaged: true });
    expect(window).toBe(electronMock.windows[0]);
    await vi.waitFor(() => {
      expect(onLoadFailed).toHaveBeenCalledWith(failure);
    });
  });

  it('accepts a dev server only on loopback', () => {
    expect(devServerUrlFrom('http://localhost:5173')).toBe('http://localhost:5173/');
    expect(devServerUrlFrom('http://127.0.0.1:5173/')).toBe('http://127.0.0.1:5173/');
    expect(devServerUrlFrom('http://[::1]:5173/')).toBe('http://[::1]:5173/');
    expect(devServerUrlFrom('https://evil.example/')).toBeUndefined();
    expect(devServerUrlFrom('file:///etc/passwd')).toBeUndefined();
    expect(devServerUrlFrom('not a url')).toBeUndefined();
    expect(devServerUrlFrom(undefined)).toBeUndefined();
  });
});
