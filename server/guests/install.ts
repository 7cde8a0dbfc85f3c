/**
 * Guests, wired into the server: the advisor's link routes, the knock and the guest's ICE
 * servers, the lobby's decisions (guest-admit, guest-deny) and the guest sockets' life.
 */
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { GuestTokenService } from '../auth/guest-tokens.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Router } from '../http/router.ts';
import type { IceConfig } from '../ice/ice-servers.ts';
import type { Logger } from '../log.ts';
import type { Delivery } from '../realtime/delivery.ts';
import type { AccountStore } from '../storage/store.ts';
import { createAdmission } from './admission.ts';
import { guestSockets } from './guest-sockets.ts';
import { registerKnockRoutes } from './knock-routes.ts';
import { registerLinkRoutes } from './link-routes.ts';
import { createLinkService } from './links.ts';
import type { Lobby } from './lobby.ts';

export interface GuestDeps {
  router: Router;
  store: AccountStore;
  tokens: TokenService;
  guestTokens: GuestTokenService;
  lobby: Lobby;
  knockLimiter: RateLimiter;
  registry: CallRegistry;
  delivery: Delivery;
  ice: IceConfig;
  log: Logger;
  /** Knocks, admissions, refusals and guests leaving the lobby are recorded here. */
  audit: AuditTrail;
  now: () => number;
}

export function installGuests(deps: GuestDeps) {
  const { router, store, lobby, delivery, log, audit } = deps;
  const links = createLinkService(store, deps.now);
  const admission = createAdmission({ lobby, registry: deps.registry, delivery, log, audit });
  registerLinkRoutes(router, { store, tokens: deps.tokens, links, admission, log });
  registerKnockRoutes(router, {
    links,
    guestTokens: deps.guestTokens,
    lobby,
    knockLimiter: deps.knockLimiter,
    ice: deps.ice,
    log,
    audit,
  });
  return {
    /** guest-admit and guest-deny, for members' sockets. */
    handlers: admission.handlers,
    sockets: guestSockets({ lobby, links, store, delivery, admission, log, audit }),
  };
}
export type Guests = ReturnType<typeof installGuests>;
