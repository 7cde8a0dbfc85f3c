/** The advisor's circles and ICE servers, fetched by main with the session's token. */
import {
  circlesResponseSchema,
  iceServersResponseSchema,
  type IceServer,
} from '../../shared/protocol/rest.ts';
import type { Router } from '../ipc/router.ts';
import type { Session } from '../session/session.ts';

export function registerDirectory(
  router: Router,
  deps: {
    session: Session;
    pinnedIceServers: () => IceServer[] | null;
    pinnedTransportPolicy: () => 'all' | 'relay' | null;
  },
): void {
  router.handle('directory:circles', () => deps.session.get('/api/circles', circlesResponseSchema));
  router.handle('directory:ice-servers', async () => {
    // IT's policy may pin ICE/TURN servers; otherwise the server hands out (time-limited) ones.
    const pinned = deps.pinnedIceServers();
    const transport = deps.pinnedTransportPolicy();
    const answer = pinned
      ? { iceServers: pinned }
      : await deps.session.get('/api/ice-servers', iceServersResponseSchema);
    return transport ? { ...answer, iceTransportPolicy: transport } : answer;
  });
}
