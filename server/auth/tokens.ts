/**
 * Access tokens: short-lived HS256 JWTs with iss/aud/exp checked and the algorithm pinned.
 * Refresh tokens: opaque random strings stored only as SHA-256 hashes, rotated on every use;
 * presenting a used one revokes its whole family (it was stolen, or the client is confused).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import type { AccountStore, PublicUser } from '../storage/store.ts';

export const ISSUER = 'richesreach-advisor-server';
export const AUDIENCE = 'richesreach-advisor';
const ALGORITHM = 'HS256';
export const MAX_ACCESS_TTL_SECONDS = 600;

export interface TokenSettings {
  key: Uint8Array;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
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

export function createTokenService(settings: TokenSettings, store: AccountStore) {
  const accessTtl = Math.min(settings.accessTtlSeconds, MAX_ACCESS_TTL_SECONDS);

  async function signAccess(userId: string): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${accessTtl}s`)
      .sign(settings.key);
  }

  function issueRefresh(userId: string, familyId: string): string {
    const token = randomBytes(32).toString('base64url');
    store.insertRefreshToken({
      tokenHash: hashToken(token),
      familyId,
      userId,
      expiresAt: Date.now() + settings.refreshTtlSeconds * 1000,
    });
    return token;
  }

  async function pair(user: PublicUser, familyId: string) {
    return {
      accessToken: await signAccess(user.id),
      refreshToken: issueRefresh(user.id, familyId),
      expiresIn: accessTtl,
      user: { id: user.id, username: user.username, displayName: user.displayName },
    };
  }

  return {
    accessTtl,
    /** A new token family, at sign-in. */
    issue: (user: PublicUser) => pair(user, randomUUID()),

    async verifyAccess(token: string): Promise<AccessClaims> {
      try {
        const { payload } = await jwtVerify(token, settings.key, {
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
      const record = store.refreshToken(hashToken(refreshToken));
      if (!record) return null;
      if (record.usedAt !== null || record.revokedAt !== null) {
        // Reuse of a rotated token: treat the family as compromised.
        store.revokeFamily(record.familyId, now);
        return null;
      }
      if (record.expiresAt <= now || !store.useRefreshToken(record.tokenHash, now)) return null;
      const user = store.userById(record.userId);
      if (!user || user.disabled) {
        store.revokeFamily(record.familyId, now);
        return null;
      }
      return pair(user, record.familyId);
    },

    /** Ends the token's session; resolves with whose it was (undefined for an unknown token). */
    revoke(refreshToken: string): string | undefined {
      const record = store.refreshToken(hashToken(refreshToken));
      if (record) store.revokeFamily(record.familyId, Date.now());
      return record?.userId;
    },
  };
}
export type TokenService = ReturnType<typeof createTokenService>;
