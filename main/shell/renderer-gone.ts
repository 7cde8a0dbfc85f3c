/**
 * When the window's renderer dies (a crash, out of memory, killed), main lives on. It closes the
 * recordings that renderer was feeding as interrupted at once (rather than at the next start),
 * then loads the window again, where the session resumes from main without a new sign-in. A
 * renderer that keeps dying is not reloaded forever: after a few tries the crash page stays.
 */
import type { BrowserWindow, RenderProcessGoneDetails } from 'electron';

const MAX_RELOADS = 3;
const RELOAD_WINDOW_MS = 60_000;

export interface RendererGoneDeps {
  interruptRecordings: () => Promise<unknown>;
  log: (event: string, fields?: Record<string, string | number>) => void;
  now?: () => number;
}

export function recoverFromRendererCrash(
  window: Pick<BrowserWindow, 'webContents' | 'isDestroyed'>,
  deps: RendererGoneDeps,
): void {
  const now = deps.now ?? Date.now;
  let reloads: number[] = [];
  window.webContents.on(
    'render-process-gone',
    (_event: unknown, details: RenderProcessGoneDetails) => {
      deps.log('window.renderer-gone', { reason: details.reason, exitCode: details.exitCode });
      void deps
        .interruptRecordings()
        .catch((error: unknown) => {
          deps.log('recording.interrupt-failed', {
            error: error instanceof Error ? error.name : 'unknown',
          });
        })
        .then(() => {
          if (details.reason === 'clean-exit' || window.isDestroyed()) return;
          reloads = reloads.filter((at) => now() - at < RELOAD_WINDOW_MS);
          if (reloads.length >= MAX_RELOADS) {
            deps.log('window.reload-given-up', { reloads: reloads.length });
            return;
          }
          reloads.push(now());
          window.webContents.reload();
        });
    },
  );
}
