/**
 * App lifecycle: one instance only, no quitting out of a call by accident, and main's services
 * closed before the process goes.
 */
import { app, dialog, type BrowserWindow } from 'electron';
import type { CallState } from './app-channels.ts';

export function focusWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/**
 * Takes the single-instance lock (two instances would share one keychain entry and one
 * recordings folder). Returns false, and quits, when another instance holds it; that instance's
 * window comes forward instead.
 */
export function claimSingleInstance(getWindow: () => BrowserWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    focusWindow(getWindow());
  });
  return true;
}

export function quitQuestion(peerName: string | null): string {
  return peerName
    ? `You are in a call with ${peerName}. Quit and end the call?`
    : 'You are in a call. Quit and end the call?';
}

export interface QuitGuardOptions {
  window: BrowserWindow;
  callState: () => CallState;
  /** Told once the advisor confirmed, so the renderer can hang up before the window goes. */
  onConfirmed?: () => void;
  /** How long the renderer gets to hang up (its end-call goes out through main). */
  hangUpGraceMs?: number;
}

/**
 * During a call, quitting (menu, Cmd+Q, closing the window) first asks. The question is a native
 * dialog: it works even when the renderer is stuck.
 */
export function installQuitGuard(options: QuitGuardOptions): void {
  let confirmed = false;
  let asking = false;

  const ask = async (): Promise<boolean> => {
    const { window } = options;
    const dialogOptions = {
      type: 'question' as const,
      buttons: ['Stay in the call', 'Quit and end the call'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
      title: 'RichesReach Advisor',
      message: quitQuestion(options.callState().peerName),
    };
    const { response } = window.isDestroyed()
      ? await dialog.showMessageBox(dialogOptions)
      : await dialog.showMessageBox(window, dialogOptions);
    return response === 1;
  };

  const guard = (event: { preventDefault(): void }) => {
    if (confirmed || !options.callState().inCall) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    ask()
      .catch(() => false)
      .then((quit) => {
        asking = false;
        if (!quit) return;
        confirmed = true;
        options.onConfirmed?.();
        setTimeout(() => {
          app.quit();
        }, options.hangUpGraceMs ?? 500);
      })
      .catch(() => undefined);
  };

  app.on('before-quit', guard);
  options.window.on('close', guard);
}

/**
 * Holds the quit until `dispose` finished (recordings finalised, signaling closed); a dispose
 * that hangs does not keep the app alive beyond `timeoutMs`.
 */
export function disposeBeforeQuit(dispose: () => Promise<void>, timeoutMs = 5_000): void {
  let state: 'running' | 'disposing' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'disposing') return;
    state = 'disposing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    void Promise.race([dispose().catch(() => undefined), timeout]).then(() => {
      clearTimeout(timer);
      state = 'done';
      app.quit();
    });
  });
}
