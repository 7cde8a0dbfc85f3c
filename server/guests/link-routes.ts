/**
 * The advisor's meeting links over REST (signed in, like the directory): make one, list the live
 * ones, withdraw one. Withdrawing sends away every guest still waiting through it.
 */
import { createGuestLinkRequestSchema, type GuestLink } from '../../shared/protocol/guest.ts';
import { requireUser } from '../auth/bearer.ts';
import type { TokenService } from '../auth/tokens.ts';
import { HttpError } from '../http/json.ts';
import { Reply, parseBody, type Router } from '../http/router.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';
import type { Admission } from './admission.ts';
import { MAX_LIVE_LINKS, type LinkService } from './links.ts';

export interface LinkRouteDeps {
  store: AccountStore;
  tokens: TokenService;
  links: LinkService;
  admission: Admission;
  log: Logger;
}

const LINK_ID = /^[A-Za-z0-9-]{1,64}$/;

export function registerLinkRoutes(router: Router, deps: LinkRouteDeps): void {
  const { store, tokens, links, log } = deps;

  router.post('/api/guest-links', async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    const { validForMinutes } = await parseBody(ctx, createGuestLinkRequestSchema);
    const created = await links.create(user.id, validForMinutes);
    if (!created) {
      throw new HttpError(
        429,
        'too-many-links',
        `You have ${MAX_LIVE_LINKS} open meeting links. Withdraw some before making another.`,
      );
    }
    log('guest.link-created', { linkId: created.id, advisorId: user.id });
    return new Reply(201, created);
  });

  router.get('/api/guest-links', async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    const list: GuestLink[] = await links.list(user.id);
    return { links: list };
  });

  router.delete('/api/guest-links/:id', async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    const id = ctx.param ?? '';
    // Someone else's link answers exactly as an unknown one: nothing is learnt by trying ids.
    if (!LINK_ID.test(id) || !(await links.revoke(id, user.id))) {
      throw new HttpError(404, 'not-found', 'There is no such meeting link.');
    }
    log('guest.link-revoked', { linkId: id, advisorId: user.id });
    await deps.admission.linkRevoked(id, user.id);
    return new Reply(204);
  });
}
