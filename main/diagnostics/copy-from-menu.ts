/**
 * Help > Copy diagnostics: the same report as the Settings button, and a message box that says
 * whether it reached the clipboard (a menu item has no status line of its own).
 */
import type { MessageBoxOptions } from 'electron';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { Diagnostics } from './register-diagnostics.ts';

export async function copyFromMenu(
  diagnostics: Pick<Diagnostics, 'copy'>,
  show: (options: MessageBoxOptions) => Promise<unknown>,
): Promise<void> {
  try {
    await diagnostics.copy();
  } catch (error) {
    await show({
      type: 'warning',
      message: 'The diagnostics were not copied',
      detail: error instanceof BridgeFailure ? error.message : 'Try again in a moment.',
      buttons: ['OK'],
    });
    return;
  }
  await show({
    type: 'info',
    message: 'Diagnostics copied',
    detail:
      'The report is on the clipboard: paste it into your message to IT. It holds no password or sign-in token.',
    buttons: ['OK'],
  });
}
