/**
 * Guest tokens: HS256 JWTs signed with the server's current key (its id in `kid`), like access tokens, but for their own
 * audience and with `kind: 'guest'`, so that neither verification accepts the other's token: a
 * guest can never reach a member endpoint, nor a member's token pass as a guest's. Four hours,
 * never refreshed: a guest comes back through their link for another meeting.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { GUEST_ID_PREFIX } from '../../shared/protocol/guest.ts';
import { LIMITS } from '../../shared/protocol/limits.ts';
import type { TokenKeyRing } from './key-ring.ts';
import { ISSUER, TokenError, keyResolver } from './tokens.ts';

export const GUEST_AUDIENCE = 'richesreach-advisor-guest';
export const GUEST_TOKEN_TTL_SECONDS = 4 * 60 * 60;
const ALGORITHM = 'HS256';

const id = z.string().min(1).max(LIMITS.idChars);
const guestClaimsSchema = z.object({
  kind: z.literal('guest'),
  sub: id.startsWith(GUEST_ID_PREFIX),
  adv: id,
  lnk: id,
  name: z.string().min(1).max(LIMITS.displayNameChars),
  exp: z.number().int(),
});

export interface GuestClaims {
  guestId: string;
  advisorId: string;
  linkId: string;
  name: string;
  /** Expiry, milliseconds since the epoch. */
  expiresAt: number;
}

export function createGuestTokenService(keys: TokenKeyRing) {
  return {
    ttlSeconds: GUEST_TOKEN_TTL_SECONDS,
    sign: (claims: Omit<GuestClaims, 'expiresAt'>): Promise<string> => {
      const key = keys.current();
      return new SignJWT({
        kind: 'guest',
        adv: claims.advisorId,
        lnk: claims.linkId,
        name: claims.name,
      })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: key.kid })
        .setSubject(claims.guestId)
        .setIssuer(ISSUER)
        .setAudience(GUEST_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${GUEST_TOKEN_TTL_SECONDS}s`)
        .sign(key.secret);
    },

    async verify(token: string): Promise<GuestClaims> {
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, keyResolver(keys), {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: GUEST_AUDIENCE,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw new TokenError('expired', 'The guest token has expired.');
        }
        throw new TokenError('invalid', 'The guest token is not valid.');
      }
      const claims = guestClaimsSchema.safeParse(payload);
      if (!claims.success) throw new TokenError('invalid', 'The guest token is not valid.');
      const { sub, adv, lnk, name, exp } = claims.data;
      return { guestId: sub, advisorId: adv, linkId: lnk, name, expiresAt: exp * 1000 };
    },
  };
}
export type GuestTokenService = ReturnType<typeof createGuestTokenService>;
