/**
 * Refresh tokens and the server's keys in SQLite. A rotation is one BEGIN IMMEDIATE transaction:
 * the write lock is taken before the token is claimed, so of two processes presenting the same
 * token one claims it and stores the successor, and the other finds it used.
 */
import type { DatabaseSync } from 'node:sqlite';
import { toRefreshToken, toServerKey } from './rows.ts';
import type { AccountStore, Synchronous } from './store.ts';

type TokenMethods =
  | 'insertRefreshToken'
  | 'refreshToken'
  | 'rotateRefreshToken'
  | 'revokeFamily'
  | 'revokeUserTokens'
  | 'pruneRefreshTokens'
  | 'serverKeys'
  | 'addServerKey'
  | 'deleteServerKey';

export function sqliteTokenStore(db: DatabaseSync): Pick<Synchronous<AccountStore>, TokenMethods> {
  const q = {
    insert: db.prepare(
      `INSERT INTO refresh_tokens
         (token_hash, family_id, user_id, family_started_at, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    byHash: db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
    claim: db.prepare(
      `UPDATE refresh_tokens SET used_at = ?
       WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
       RETURNING family_id, user_id, family_started_at`,
    ),
    keys: db.prepare('SELECT * FROM server_keys WHERE purpose = ? ORDER BY created_at DESC, kid'),
  };

  return {
    insertRefreshToken({ tokenHash, familyId, userId, familyStartedAt, expiresAt }) {
      q.insert.run(tokenHash, familyId, userId, familyStartedAt, Date.now(), expiresAt);
    },
    refreshToken(tokenHash) {
      const row = q.byHash.get(tokenHash);
      return row ? toRefreshToken(row) : undefined;
    },
    rotateRefreshToken(tokenHash, at, next) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const claimed = q.claim.get(at, tokenHash, at);
        if (claimed) {
          q.insert.run(
            next.tokenHash,
            String(claimed.family_id),
            String(claimed.user_id),
            Number(claimed.family_started_at),
            at,
            next.expiresAt,
          );
        }
        db.exec('COMMIT');
        return claimed !== undefined;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    revokeFamily(familyId, at) {
      db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL',
      ).run(at, familyId);
    },
    revokeUserTokens(userId, at) {
      db.prepare(
        'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      ).run(at, userId);
    },
    pruneRefreshTokens(now) {
      return Number(
        db.prepare('DELETE FROM refresh_tokens WHERE expires_at <= ?').run(now).changes,
      );
    },
    serverKeys: (purpose) => q.keys.all(purpose).map(toServerKey),
    addServerKey({ kid, purpose, material, createdAt }) {
      db.prepare(
        'INSERT INTO server_keys (kid, purpose, material, created_at) VALUES (?, ?, ?, ?)',
      ).run(kid, purpose, material, createdAt);
    },
    deleteServerKey(kid) {
      db.prepare('DELETE FROM server_keys WHERE kid = ?').run(kid);
    },
  };
}
