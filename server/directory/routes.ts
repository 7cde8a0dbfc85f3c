import type { PresenceStatus } from '../../shared/protocol/signaling.ts';
import { requireUser } from '../auth/bearer.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Router } from '../http/router.ts';
import { iceServersFor, type IceConfig } from '../ice/ice-servers.ts';
import type { AccountStore } from '../storage/store.ts';

export interface DirectoryRouteDeps {
  store: AccountStore;
  tokens: TokenService;
  ice: IceConfig;
  statusOf: (userId: string) => Promise<PresenceStatus>;
}

/** The caller's circles with members and presence, and the ICE servers to call them with. */
export function registerDirectoryRoutes(router: Router, deps: DirectoryRouteDeps): void {
  router.get('/api/circles', async (ctx) => {
    const user = await requireUser(ctx, deps.tokens, deps.store);
    const circles = await Promise.all(
      (await deps.store.circlesOf(user.id)).map(async (circle) => ({
        id: circle.id,
        name: circle.name,
        members: await Promise.all(
          circle.members
            .filter((member) => !member.disabled)
            .map(async (member) => ({
              id: member.id,
              username: member.username,
              displayName: member.displayName,
              status: await deps.statusOf(member.id),
            })),
        ),
      })),
    );
    return { circles };
  });

  router.get('/api/ice-servers', async (ctx) => {
    const user = await requireUser(ctx, deps.tokens, deps.store);
    return iceServersFor(user.id, deps.ice);
  });
}
