/**
 * The advisor's meeting links for clients, made, listed and revoked on the server with the
 * session's access token. The renderer gets each new link's full address (that is the point: the
 * advisor sends it on) but never the access token. Links are never logged: the token in one is
 * a way into the advisor's lobby.
 */
import { z } from 'zod';
import { guestLinkIdSchema, type CreatedLink } from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import {
  GUEST_PAGE_PATH,
  createdGuestLinkSchema,
  guestLinksResponseSchema,
  type GuestLink,
} from '../../shared/protocol/guest.ts';
import { ServerRefusal } from '../session/server-api.ts';
import type { Session } from '../session/session.ts';

export interface GuestLinksDeps {
  session: Pick<Session, 'request' | 'state'>;
  /** How long a new link stays valid (settings: IT's policy, or the longest the server allows). */
  validForMinutes: () => number;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}

export interface GuestLinks {
  create(): Promise<CreatedLink>;
  list(): Promise<{ links: GuestLink[] }>;
  /** Revoking a link that is already gone (expired, revoked elsewhere) is no error. */
  revoke(id: string): Promise<null>;
}

const LINKS_PATH = '/api/guest-links';
// Ids go back to the server in a URL path: only plain ones are taken from it.
const createdSchema = createdGuestLinkSchema.extend({ id: guestLinkIdSchema });
const listSchema = z.object({
  links: z.array(guestLinksResponseSchema.shape.links.element.extend({ id: guestLinkIdSchema })),
});

/** The same failure in words about links: what went wrong, and what the advisor can do. */
function worded(error: unknown, doing: string): unknown {
  if (!(error instanceof BridgeFailure)) return error;
  if (error.code === 'not-signed-in' || error.code === 'session-expired') {
    return new BridgeFailure(error.code, `Sign in again to ${doing}.`);
  }
  if (error instanceof ServerRefusal && error.status === 404) {
    return new BridgeFailure(
      'server-error',
      'Your server does not offer meeting links for clients yet. Ask your IT team to update it.',
    );
  }
  if (error.code === 'server-unreachable') {
    return new BridgeFailure(error.code, `Could not ${doing}: ${error.message}`);
  }
  if (error.code === 'rate-limited') {
    return new BridgeFailure(error.code, `Could not ${doing}: too many requests. Wait a minute.`);
  }
  return new BridgeFailure(error.code, `Could not ${doing}: ${error.message}`);
}

export function createGuestLinks(deps: GuestLinksDeps): GuestLinks {
  const log = deps.log ?? (() => undefined);
  return {
    async create() {
      const serverUrl = deps.session.state().serverUrl;
      let made;
      try {
        made = await deps.session.request(LINKS_PATH, createdSchema, {
          method: 'POST',
          body: { validForMinutes: deps.validForMinutes() },
        });
      } catch (error) {
        throw worded(error, 'make a meeting link');
      }
      // Signed out while the server answered: the link would name no one's server.
      if (!serverUrl)
        throw new BridgeFailure('not-signed-in', 'Sign in again to make a meeting link.');
      log('guests.link-created');
      return {
        id: made.id,
        createdAt: made.createdAt,
        expiresAt: made.expiresAt,
        link: `${new URL(serverUrl).origin}${GUEST_PAGE_PATH}${made.token}`,
      };
    },

    async list() {
      try {
        return await deps.session.request(LINKS_PATH, listSchema);
      } catch (error) {
        throw worded(error, 'list your meeting links');
      }
    },

    async revoke(id) {
      try {
        await deps.session.request(`${LINKS_PATH}/${encodeURIComponent(id)}`, z.unknown(), {
          method: 'DELETE',
        });
      } catch (error) {
        // Gone already: what the advisor wanted is true.
        if (error instanceof ServerRefusal && error.status === 404) return null;
        throw worded(error, 'revoke the link');
      }
      log('guests.link-revoked');
      return null;
    },
  };
}
