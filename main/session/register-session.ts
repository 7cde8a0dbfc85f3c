import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { Router } from '../ipc/router.ts';
import type { Session } from './session.ts';

export interface ServerUrlPolicy {
  /** The server IT pinned, or null when the advisor chooses. */
  pinnedServerUrl(): string | null;
}

export function registerSession(
  router: Router,
  deps: { session: Session; policy: ServerUrlPolicy },
): void {
  router.handle('session:get', () => deps.session.state());
  router.handle('session:sign-in', async (input) => {
    const pinned = deps.policy.pinnedServerUrl();
    if (pinned && new URL(pinned).origin !== new URL(input.serverUrl).origin) {
      throw new BridgeFailure(
        'managed-by-policy',
        `Your IT team set the server to ${new URL(pinned).origin}.`,
      );
    }
    return deps.session.signIn(input);
  });
  router.handle('session:sign-out', () => deps.session.signOut());
}
