/**
 * An advisor's meeting links: made with 32 random bytes (told once, stored as a hash), listed
 * while live, revoked by their advisor. `resolve` is the one place that decides whether a token
 * opens a meeting: unknown, expired and revoked links, and links of a disabled advisor, are all
 * the same "no". The clock is injected so expiry is testable without waiting.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  GUEST_LINK_MAX_MINUTES,
  guestLinkTokenSchema,
  type CreatedGuestLink,
  type GuestLink,
} from '../../shared/protocol/guest.ts';
import { hashToken } from '../auth/tokens.ts';
import type { AccountStore, GuestLinkRecord, UserRecord } from '../storage/store.ts';

/** Live links one advisor may hold at once: enough for a busy day, not a way to fill the disk. */
export const MAX_LIVE_LINKS = 200;

const view = (link: Pick<GuestLinkRecord, 'id' | 'createdAt' | 'expiresAt'>): GuestLink => ({
  id: link.id,
  createdAt: link.createdAt,
  expiresAt: link.expiresAt,
});

export function createLinkService(store: AccountStore, now: () => number) {
  return {
    /** undefined when the advisor holds MAX_LIVE_LINKS live links already. */
    async create(
      advisorId: string,
      validForMinutes = GUEST_LINK_MAX_MINUTES,
    ): Promise<CreatedGuestLink | undefined> {
      const t = now();
      if ((await store.liveGuestLinks(advisorId, t)).length >= MAX_LIVE_LINKS) return undefined;
      const token = randomBytes(32).toString('base64url');
      const link = {
        id: randomUUID(),
        tokenHash: hashToken(token),
        advisorId,
        createdAt: t,
        expiresAt: t + validForMinutes * 60_000,
      };
      await store.insertGuestLink(link);
      return { ...view(link), token };
    },

    list: async (advisorId: string): Promise<GuestLink[]> =>
      (await store.liveGuestLinks(advisorId, now())).map(view),

    revoke: (id: string, advisorId: string): Promise<boolean> =>
      store.revokeGuestLink(id, advisorId, now()),

    /** The live link behind a token, with its enabled advisor; undefined for every other case. */
    async resolve(
      token: string,
    ): Promise<{ link: GuestLinkRecord; advisor: UserRecord } | undefined> {
      if (!guestLinkTokenSchema.safeParse(token).success) return undefined;
      const link = await store.guestLinkByHash(hashToken(token));
      if (!link || link.revokedAt !== null || link.expiresAt <= now()) return undefined;
      const advisor = await store.userById(link.advisorId);
      if (!advisor || advisor.disabled) return undefined;
      return { link, advisor };
    },

    /**
     * Whether a guest of this link may still connect: the link not revoked and its advisor
     * enabled. Expiry does not count here: a link that runs out mid-meeting keeps its guests.
     */
    async admits(linkId: string): Promise<boolean> {
      const link = await store.guestLinkById(linkId);
      if (!link || link.revokedAt !== null) return false;
      const advisor = await store.userById(link.advisorId);
      return advisor !== undefined && !advisor.disabled;
    },
  };
}
export type LinkService = ReturnType<typeof createLinkService>;
