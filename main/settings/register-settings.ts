import type { Router } from '../ipc/router.ts';
import type { Settings } from './settings.ts';

export function registerSettings(router: Router, settings: Settings): void {
  router.handle('settings:get', () => settings.view());
  router.handle('settings:set', (patch) => settings.set(patch));
  router.handle('settings:choose-recordings-folder', () => settings.chooseRecordingsFolder());
}
