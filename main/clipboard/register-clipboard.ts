/**
 * clipboard:write-text: the renderer's text onto the OS clipboard (a meeting link to paste into
 * an email). Main does the write so the page needs no clipboard permission; the text is bounded
 * by the contract and never logged.
 */
import type { Clipboard } from 'electron';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { Router } from '../ipc/router.ts';

export type WriteClipboard = (text: string) => Promise<void> | void;

export function registerClipboard(router: Router, write: WriteClipboard): void {
  router.handle('clipboard:write-text', async (text) => {
    try {
      await write(text);
    } catch {
      throw new BridgeFailure(
        'internal',
        'The link could not be copied. Select it and copy it with the keyboard instead.',
      );
    }
    return null;
  });
}

/** writeClipboard from Electron's clipboard module (its writeText answers a promise). */
export function electronClipboardWriter(clipboard: Pick<Clipboard, 'writeText'>): WriteClipboard {
  return (text) => clipboard.writeText(text);
}
