/**
 * Refresh tokens, guest links and the server's keys in PostgreSQL. A rotation is one transaction
 * whose first statement claims the token (UPDATE … WHERE used_at IS NULL … RETURNING): of two
 * nodes presenting the same token at once, the second's UPDATE waits for the first to commit,
 * then finds it used and changes nothing.
 */
import type { Pool } from 'pg';
import { inTransaction } from './pg-pool.ts';
import { toGuestLink, toRefreshToken, toServerKey } from './rows.ts';
import type { AccountStore, GuestLinkStore } from './store.ts';

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

const LINK_COLUMNS = 'id, token_hash, advisor_id, created_at, expires_at, revoked_at';

const INSERT_TOKEN = `INSERT INTO refresh_tokens
  (token_hash, family_id, user_id, family_started_at, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6)`;

export function pgTokenStore(pool: Pool): Pick<AccountStore, TokenMethods> {
  return {
    async insertRefreshToken({ tokenHash, familyId, userId, familyStartedAt, expiresAt }) {
      await pool.query(INSERT_TOKEN, [
        tokenHash,
        familyId,
        userId,
        familyStartedAt,
        Date.now(),
        expiresAt,
      ]);
    },
    async refreshToken(tokenHash) {
      const { rows } = await pool.query('SELECT * FROM refresh_tokens WHERE token_hash = $1', [
        tokenHash,
      ]);
      return rows[0] ? toRefreshToken(rows[0] as Record<string, unknown>) : undefined;
    },
    rotateRefreshToken: (tokenHash, at, next) =>
      inTransaction(pool, async (client) => {
        const claimed = await client.query<{
          family_id: string;
          user_id: string;
          family_started_at: number;
        }>(
          `UPDATE refresh_tokens SET used_at = $1
           WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
           RETURNING family_id, user_id, family_started_at`,
          [at, tokenHash],
        );
        const row = claimed.rows[0];
        if (!row) return false;
        await client.query(INSERT_TOKEN, [
          next.tokenHash,
          row.family_id,
          row.user_id,
          row.family_started_at,
          at,
          next.expiresAt,
        ]);
        return true;
      }),
    async revokeFamily(familyId, at) {
      await pool.query(
        'UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL',
        [at, familyId],
      );
    },
    async revokeUserTokens(userId, at) {
      await pool.query(
        'UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL',
        [at, userId],
      );
    },
    async pruneRefreshTokens(now) {
      const result = await pool.query('DELETE FROM refresh_tokens WHERE expires_at <= $1', [now]);
      return result.rowCount ?? 0;
    },
    async serverKeys(purpose) {
      const { rows } = await pool.query(
        'SELECT * FROM server_keys WHERE purpose = $1 ORDER BY created_at DESC, kid',
        [purpose],
      );
      return rows.map((row) => toServerKey(row as Record<string, unknown>));
    },
    async addServerKey({ kid, purpose, material, createdAt }) {
      await pool.query(
        'INSERT INTO server_keys (kid, purpose, material, created_at) VALUES ($1, $2, $3, $4)',
        [kid, purpose, material, createdAt],
      );
    },
    async deleteServerKey(kid) {
      await pool.query('DELETE FROM server_keys WHERE kid = $1', [kid]);
    },
  };
}

export function pgGuestLinkStore(pool: Pool): GuestLinkStore {
  const rowsOf = async (sql: string, params: unknown[]) =>
    (await pool.query(sql, params)).rows.map((row) => toGuestLink(row as Record<string, unknown>));
  return {
    async insertGuestLink(link) {
      await pool.query(
        `INSERT INTO guest_links (id, token_hash, advisor_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [link.id, link.tokenHash, link.advisorId, link.createdAt, link.expiresAt],
      );
    },
    guestLinkByHash: async (tokenHash) =>
      (
        await rowsOf(`SELECT ${LINK_COLUMNS} FROM guest_links WHERE token_hash = $1`, [tokenHash])
      )[0],
    guestLinkById: async (id) =>
      (await rowsOf(`SELECT ${LINK_COLUMNS} FROM guest_links WHERE id = $1`, [id]))[0],
    liveGuestLinks: (advisorId, now) =>
      rowsOf(
        `SELECT ${LINK_COLUMNS} FROM guest_links
         WHERE advisor_id = $1 AND expires_at > $2 AND revoked_at IS NULL
         ORDER BY created_at, made`,
        [advisorId, now],
      ),
    async revokeGuestLink(id, advisorId, at) {
      const result = await pool.query(
        `UPDATE guest_links SET revoked_at = $1
         WHERE id = $2 AND advisor_id = $3 AND revoked_at IS NULL`,
        [at, id, advisorId],
      );
      return result.rowCount === 1;
    },
  };
}
