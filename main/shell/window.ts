/** The one app window, hardened: the renderer gets no Node, no Electron, only the preload's bridge. */
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './protocol.ts';

export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The dev server URL, accepted only on loopback: a mistyped or injected environment variable
 * must not load a remote page into a window that holds the bridge.
 */
export function devServerUrlFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return (url.protocol === 'http:' || url.protocol === 'https:') && loopback
      ? url.href
      : undefined;
  } catch {
    return undefined;
  }
}

export interface MainWindowOptions {
  preloadPath: string;
  /** Vite's dev server in development; the built renderer on app:// otherwise. */
  devServerUrl?: string | undefined;
  onLoadFailed?: (error: unknown) => void;
  /** A packaged app: no DevTools at all. */
  packaged: boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 880,
    minHeight: 600,
    title: 'RichesReach Advisor',
    backgroundColor: '#0f172a',
    // Shown once painted, so the advisor never sees a white flash.
    show: false,
    // A literal on purpose: Electronegativity (npm run scan:electron) reads it here, and could not
    // through a helper function.
    webPreferences: {
      preload: options.preloadPath,
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
      // A middle click asks for a new window; the open handler denies it, this stops it at the source.
      disableBlinkFeatures: 'Auxclick',
      devTools: !options.packaged,
    },
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  window.loadURL(options.devServerUrl ?? APP_ENTRY_URL).catch((error: unknown) => {
    options.onLoadFailed?.(error);
  });
  return window;
}
