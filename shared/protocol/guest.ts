/**
 * Guests: clients without an account who join one meeting from a link. The advisor makes a link
 * (REST, signed in); the link opens the guest page (`/join/<token>`, static files from the
 * server); the guest knocks with the link token and their name and gets a short-lived guest token
 * scoped to that advisor's meeting; the guest's socket puts them in the advisor's lobby
 * (`guest-waiting`), and the advisor admits or denies them (socket events in signaling.ts).
 * Admitted, the guest is rung like anyone else (call-offer, or call-invite into a meeting).
 */
import { z } from 'zod';
import { userIdSchema } from './ids.ts';
import { LIMITS } from './limits.ts';

/** The longest a link may live; IT's policy (and the advisor) may choose shorter. */
export const GUEST_LINK_MAX_MINUTES = 24 * 60;
export const GUEST_LINK_MIN_MINUTES = 5;
/** A link token: 32 bytes of randomness, base64url (43 characters). Only its hash is stored. */
export const guestLinkTokenSchema = z
  .string()
  .length(43)
  .regex(/^[A-Za-z0-9_-]+$/);
/** The path the page lives on: `${serverUrl}${GUEST_PAGE_PATH}${token}`. */
export const GUEST_PAGE_PATH = '/join/';
/** Guest user ids start with this (members' ids never do), then 22 base64url characters. */
export const GUEST_ID_PREFIX = 'guest-';
export const isGuestId = (userId: string): boolean => userId.startsWith(GUEST_ID_PREFIX);

// ---- the advisor's links (Authorization: Bearer <access token>) ---------------------------
/** POST /api/guest-links */
export const createGuestLinkRequestSchema = z.object({
  validForMinutes: z
    .number()
    .int()
    .min(GUEST_LINK_MIN_MINUTES)
    .max(GUEST_LINK_MAX_MINUTES)
    .optional(),
});
export type CreateGuestLinkRequest = z.infer<typeof createGuestLinkRequestSchema>;

export const guestLinkSchema = z.object({
  id: z.string().min(1).max(LIMITS.idChars),
  /** Server clock, ms since the epoch. */
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type GuestLink = z.infer<typeof guestLinkSchema>;

/** 201 to POST /api/guest-links: the only time the token is ever told (it is stored hashed). */
export const createdGuestLinkSchema = guestLinkSchema.extend({ token: guestLinkTokenSchema });
export type CreatedGuestLink = z.infer<typeof createdGuestLinkSchema>;

/** GET /api/guest-links: the advisor's links that are neither expired nor revoked. */
export const guestLinksResponseSchema = z.object({ links: z.array(guestLinkSchema) });
// DELETE /api/guest-links/<id>: 204 when revoked, 404 when not the advisor's (or gone).

// ---- the guest (no account) --------------------------------------------------------------
export const guestNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter your name.')
  .max(LIMITS.displayNameChars, 'That name is too long.');

/** POST /api/guest/knock: rate-limited per address. */
export const knockRequestSchema = z.object({ token: z.string().max(200), name: guestNameSchema });
export type KnockRequest = z.infer<typeof knockRequestSchema>;

/** 200 to a knock. Connect the socket with `auth: { token: guestToken }` to wait in the lobby. */
export const knockResponseSchema = z.object({
  guestId: userIdSchema,
  guestToken: z.string(),
  /** Seconds the guest token stays valid (long enough for a meeting; never refreshed). */
  expiresIn: z.number().int().positive(),
  advisorName: z.string().max(LIMITS.displayNameChars),
});
export type KnockResponse = z.infer<typeof knockResponseSchema>;

/**
 * Every refused knock — unknown, expired or revoked link alike — answers 404 with this code and
 * sentence, so a guesser learns nothing. Too many knocks from one address answer 429.
 */
export const LINK_INVALID = {
  code: 'link-invalid',
  message: 'This meeting link is not valid any more. Ask your advisor to send you a new one.',
} as const;
// GET /api/guest/ice-servers (Authorization: Bearer <guest token>): iceServersResponseSchema.

/** Why the advisor's side refused a guest (sent to the guest as guest-refused). */
export const guestRefusalSchema = z.enum(['denied', 'meeting-full', 'link-revoked']);
export type GuestRefusal = z.infer<typeof guestRefusalSchema>;
export const GUEST_REFUSAL_MESSAGES: Record<GuestRefusal, string> = {
  denied: 'The advisor did not let you in to this meeting.',
  'meeting-full': 'This meeting is full. Ask your advisor to invite you again later.',
  'link-revoked': 'This meeting link was withdrawn. Ask your advisor for a new one.',
};
