/**
 * Settings over the bridge. The router has already checked the sender and the arguments; the
 * recordings folder has no setter here on purpose: it changes only through the OS picker.
 */
import type { Router } from '../ipc/router.ts';
import type { Settings } from './settings.ts';

export function registerSettings(router: Router, settings: Settings): void {
  router.handle('settings:get', () => settings.view());
  router.handle('settings:set', (patch) => settings.set(patch));
  router.handle('settings:choose-recordings-folder', () => settings.chooseRecordingsFolder());
}
