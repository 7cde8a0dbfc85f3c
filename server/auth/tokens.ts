/**
 * Access tokens: short-lived HS256 JWTs with iss/aud/exp checked, the algorithm pinned, and the
 * signing key's id in the header (`kid`): checked against the keys still accepted (key-ring.ts).
 * Refresh tokens: opaque random strings stored only as SHA-256 hashes, rotated on every use (in
 * one transaction: the old one claimed, its successor stored); presenting a used one revokes its
 * whole family (it was stolen, or the client is confused). A family ends `sessionMaxAgeSeconds`
 * after its sign-in however often it was rotated: every token in it expires by then.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { AccountStore, PublicUser } from '../storage/store.ts';
import type { TokenKeyRing } from './key-ring.ts';

export const ISSUER = 'richesreach-advisor-server';
export const AUDIENCE = 'richesreach-advisor';
const ALGORITHM = 'HS256';
export const MAX_ACCESS_TTL_SECONDS = 600;

export interface TokenSettings {
  keys: TokenKeyRing;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** The absolute lifetime of a sign-in's refresh tokens, from the sign-in. */
  sessionMaxAgeSeconds: number;
}

export interface AccessClaims {
  userId: string;
  /** Expiry, milliseconds since the epoch. */
  expiresAt: number;
}

export type VerifyFailure = 'invalid' | 'expired';

export class TokenError extends Error {
  readonly reason: VerifyFailure;
  constructor(reason: VerifyFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export const hashToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

/** jose's key lookup: the accepted key the header names, or a failure jwtVerify reports. */
export const keyResolver = (keys: TokenKeyRing) => async (header: JWTHeaderParameters) => {
  const secret = await keys.forKid(header.kid);
  if (!secret) throw new TokenError('invalid', 'The token was signed with a key not accepted.');
  return secret;
};

export function createTokenService(settings: TokenSettings, store: AccountStore) {
  const accessTtl = Math.min(settings.accessTtlSeconds, MAX_ACCESS_TTL_SECONDS);
  const { keys } = settings;

  async function signAccess(userId: string): Promise<string> {
    const key = keys.current();
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', kid: key.kid })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${accessTtl}s`)
      .sign(key.secret);
  }

  /** When a token issued now in a family that began at `familyStartedAt` expires. */
  const expiryFor = (familyStartedAt: number, now: number): number =>
    Math.min(
      now + settings.refreshTtlSeconds * 1000,
      familyStartedAt + settings.sessionMaxAgeSeconds * 1000,
    );

  const pair = async (user: PublicUser, refreshToken: string) => ({
    accessToken: await signAccess(user.id),
    refreshToken,
    expiresIn: accessTtl,
    user: { id: user.id, username: user.username, displayName: user.displayName },
  });

  return {
    accessTtl,
    /** A new token family, at sign-in. */
    async issue(user: PublicUser) {
      const now = Date.now();
      const token = randomBytes(32).toString('base64url');
      await store.insertRefreshToken({
        tokenHash: hashToken(token),
        familyId: randomUUID(),
        userId: user.id,
        familyStartedAt: now,
        expiresAt: expiryFor(now, now),
      });
      return pair(user, token);
    },

    async verifyAccess(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(token, keyResolver(keys), {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['sub', 'exp'],
        });
        return { userId: String(payload.sub), expiresAt: (payload.exp ?? 0) * 1000 };
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw new TokenError('expired', 'The access token has expired.');
        }
        throw new TokenError('invalid', 'The access token is not valid.');
      }
    },

    /** Rotates a refresh token; null when it is unknown, expired, used or revoked. */
    async rotate(refreshToken: string) {
      const now = Date.now();
      const record = await store.refreshToken(hashToken(refreshToken));
      if (!record) return null;
      if (record.usedAt !== null || record.revokedAt !== null) {
        // Reuse of a rotated token: treat the family as compromised.
        await store.revokeFamily(record.familyId, now);
        return null;
      }
      if (record.expiresAt <= now) return null;
      const user = await store.userById(record.userId);
      if (!user || user.disabled) {
        await store.revokeFamily(record.familyId, now);
        return null;
      }
      const next = randomBytes(32).toString('base64url');
      const rotated = await store.rotateRefreshToken(record.tokenHash, now, {
        tokenHash: hashToken(next),
        expiresAt: expiryFor(record.familyStartedAt, now),
      });
      // Another use of the same token claimed it a moment earlier: only that one goes on.
      if (!rotated) return null;
      return pair(user, next);
    },

    /** Ends the token's session; resolves with whose it was (undefined for an unknown token). */
    async revoke(refreshToken: string): Promise<string | undefined> {
      const record = await store.refreshToken(hashToken(refreshToken));
      if (record) await store.revokeFamily(record.familyId, Date.now());
      return record?.userId;
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
