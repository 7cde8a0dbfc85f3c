/** The screen-picker channels: permission, settings shortcut, sources with thumbnails, the choice. */
import type { Router } from '../ipc/router.ts';
import type { ScreenSourcesApi } from './screen-sources.ts';

export function registerScreen(router: Router, screen: ScreenSourcesApi): void {
  router.handle('screen:permission', () => screen.permission());
  router.handle('screen:open-permission-settings', async () => {
    await screen.openPermissionSettings();
    return null;
  });
  router.handle('screen:list-sources', (options) => screen.list(options));
  router.handle('screen:choose', (choice) => {
    screen.choose(choice);
    return null;
  });
}
