/**
 * The window's page can go while main lives on: its renderer crashes (main/shell/renderer-gone.ts
 * loads it again) or it reloads. The page that comes back knows nothing of the call the old one
 * was in, while the server still counts this app in it: nobody would ring it back, and it would
 * stay "in a call" for everyone else. So main is told at once, to leave that call (services.ts).
 */
import { navigationEndsRecordings, type NavigationStart } from '../recording/page-lifecycle.ts';

/** The slice of Electron's webContents this needs. */
export interface PageLossEvents {
  on(
    event: 'render-process-gone',
    listener: (event: unknown, details: { reason: string }) => void,
  ): unknown;
  on(event: 'did-start-navigation', listener: (details: NavigationStart) => void): unknown;
}

export function whenPageIsLost(page: PageLossEvents, onLost: () => void): void {
  page.on('render-process-gone', (_event, details) => {
    // A clean exit is the window closing: the app is quitting, and its socket goes with it.
    if (details.reason !== 'clean-exit') onLost();
  });
  // The window's own document replaced (a reload): the same as far as its call is concerned.
  page.on('did-start-navigation', (details) => {
    if (navigationEndsRecordings(details)) onLost();
  });
}
