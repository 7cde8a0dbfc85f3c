/**
 * The guest's REST: a knock (link token + name → a guest token scoped to that advisor's
 * meeting), and ICE servers for the guest token. A knock is limited per client address, and
 * every link that does not open a meeting (unknown, expired, withdrawn, its advisor disabled)
 * gets the same answer, so guessing learns nothing.
 */
import { randomBytes } from 'node:crypto';
import {
  GUEST_ID_PREFIX,
  LINK_INVALID,
  knockRequestSchema,
  type KnockResponse,
} from '../../shared/protocol/guest.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { GuestTokenService } from '../auth/guest-tokens.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { TokenError } from '../auth/tokens.ts';
import { HttpError } from '../http/json.ts';
import { parseBody, type RequestContext, type Router } from '../http/router.ts';
import { iceServersFor, type IceConfig } from '../ice/ice-servers.ts';
import type { Logger } from '../log.ts';
import type { LinkService } from './links.ts';
import type { Lobby } from './lobby.ts';

export interface KnockRouteDeps {
  links: LinkService;
  guestTokens: GuestTokenService;
  lobby: Lobby;
  knockLimiter: RateLimiter;
  ice: IceConfig;
  log: Logger;
  audit: AuditTrail;
}

/** 16 random bytes are 22 base64url characters. */
const newGuestId = (): string => `${GUEST_ID_PREFIX}${randomBytes(16).toString('base64url')}`;

const linkInvalid = () => new HttpError(404, LINK_INVALID.code, LINK_INVALID.message);

export function registerKnockRoutes(router: Router, deps: KnockRouteDeps): void {
  const { links, guestTokens, log } = deps;

  router.post('/api/guest/knock', async (ctx): Promise<KnockResponse> => {
    if (!(await deps.knockLimiter.take(ctx.address))) {
      throw new HttpError(
        429,
        'rate-limited',
        'Too many attempts to join from this network. Wait a minute and try again.',
      );
    }
    const { token, name } = await parseBody(ctx, knockRequestSchema);
    const found = await links.resolve(token);
    if (!found) {
      log('guest.knock-refused', { address: ctx.address });
      throw linkInvalid();
    }
    const guestId = newGuestId();
    const guestToken = await guestTokens.sign({
      guestId,
      advisorId: found.advisor.id,
      linkId: found.link.id,
      name,
    });
    log('guest.knock', { guestId, linkId: found.link.id, advisorId: found.advisor.id });
    deps.audit.record('guest.knocked', guestId, {
      name,
      advisorId: found.advisor.id,
      linkId: found.link.id,
      address: ctx.address,
    });
    return {
      guestId,
      guestToken,
      expiresIn: guestTokens.ttlSeconds,
      advisorName: found.advisor.displayName,
    };
  });

  router.get('/api/guest/ice-servers', async (ctx) => {
    const guest = await requireGuest(ctx, guestTokens, deps.lobby);
    return iceServersFor(guest, deps.ice);
  });
}

/** The guest behind `Authorization: Bearer <guest token>`, unless they were turned away. */
async function requireGuest(
  ctx: RequestContext,
  guestTokens: GuestTokenService,
  lobby: Lobby,
): Promise<string> {
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(ctx.req.headers.authorization ?? '');
  if (!match?.[1]) throw new HttpError(401, 'auth-missing', 'Open your meeting link first.');
  try {
    const { guestId } = await guestTokens.verify(match[1]);
    if ((await lobby.get(guestId))?.state === 'refused') {
      throw new HttpError(403, 'guest-refused', 'You were not let in to this meeting.');
    }
    return guestId;
  } catch (error) {
    if (error instanceof TokenError) {
      throw new HttpError(401, `auth-${error.reason}`, error.message);
    }
    throw error;
  }
}
