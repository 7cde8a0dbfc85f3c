import type { Router } from '../ipc/router.ts';
import type { Signaling } from './connection.ts';

export function registerSignaling(router: Router, signaling: Signaling): void {
  router.handle('signal:status', () => signaling.state());
  router.handle('signal:send', (signal) => signaling.send(signal));
}
