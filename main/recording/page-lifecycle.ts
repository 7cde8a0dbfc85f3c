/**
 * The page feeding a recording can go without stopping it: a reload, a navigation, the window
 * closing. Its MediaRecorder is gone then, so main closes the open recordings as interrupted at
 * once, rather than leaving them open until quit marks them complete. (A renderer crash is
 * main/shell/renderer-gone.ts's.)
 */
import type { RecordingWriter } from './writer.ts';

export interface NavigationStart {
  isMainFrame: boolean;
  isSameDocument: boolean;
}

/** The window's own document is being replaced: not a subframe, not an in-page (#hash) move. */
export function navigationEndsRecordings(details: NavigationStart): boolean {
  return details.isMainFrame && !details.isSameDocument;
}

/** The slice of Electron's webContents this needs. */
export interface PageEvents {
  on(event: 'did-start-navigation', listener: (details: NavigationStart) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
}

export function interruptRecordingsWhenPageGoes(
  page: PageEvents,
  recordings: Pick<RecordingWriter, 'interruptAll' | 'activeCount'>,
  log: (event: string, fields?: Record<string, string | number>) => void,
): void {
  const interrupt = (why: string): void => {
    const open = recordings.activeCount();
    if (open === 0) return;
    log('recording.interrupted', { why, open });
    void recordings.interruptAll().catch((error: unknown) => {
      log('recording.interrupt-failed', { error: error instanceof Error ? error.name : 'unknown' });
    });
  };
  page.on('did-start-navigation', (details) => {
    if (navigationEndsRecordings(details)) interrupt('navigation');
  });
  page.on('destroyed', () => {
    interrupt('window-closed');
  });
}
