/**
 * The account store in PostgreSQL (`--database postgres://…`): one database that nodes on several
 * machines share. A name taken already (SQLSTATE 23505, even by a racing node) becomes the
 * store's own StoreError('exists'), in the same words as SQLite's.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { isUniqueViolation } from './pg-pool.ts';
import { pgGuestLinkStore, pgTokenStore } from './pg-tokens.ts';
import {
  CIRCLE_COLUMNS,
  EXISTS,
  NOT_FOUND,
  groupCircles,
  toPublic,
  toUser,
  type Row,
} from './rows.ts';
import { StoreError, type AccountStore, type UserRecord } from './store.ts';

/** The store over a pool whose schema is migrated already (pg-migrations.ts). */
export function createPgStore(pool: Pool, close: () => Promise<void>): AccountStore {
  const rows = async (sql: string, params: unknown[] = []): Promise<Row[]> =>
    (await pool.query(sql, params)).rows as Row[];
  const one = async (sql: string, params: unknown[]): Promise<Row | undefined> =>
    (await rows(sql, params))[0];
  const inserting = async (message: string, sql: string, params: unknown[]): Promise<void> => {
    try {
      await pool.query(sql, params);
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('exists', message);
      throw error;
    }
  };
  const requireUser = async (username: string): Promise<UserRecord> => {
    const row = await one('SELECT * FROM users WHERE username = $1', [username]);
    if (!row) throw new StoreError('not-found', NOT_FOUND.user(username));
    return toUser(row);
  };
  const requireCircle = async (name: string): Promise<string> => {
    const row = await one('SELECT id FROM circles WHERE name = $1', [name]);
    if (!row) throw new StoreError('not-found', NOT_FOUND.circle(name));
    return String(row.id);
  };

  return {
    ...pgGuestLinkStore(pool),
    ...pgTokenStore(pool),
    async createUser({ username, displayName, passwordHash }) {
      const id = randomUUID();
      await inserting(
        EXISTS.user(username),
        `INSERT INTO users (id, username, display_name, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, username, displayName, passwordHash, Date.now()],
      );
      return { id, username, displayName, disabled: false };
    },
    async userByUsername(username) {
      const row = await one('SELECT * FROM users WHERE username = $1', [username]);
      return row ? toUser(row) : undefined;
    },
    async userById(id) {
      const row = await one('SELECT * FROM users WHERE id = $1', [id]);
      return row ? toUser(row) : undefined;
    },
    async setPasswordHash(username, passwordHash) {
      const user = await requireUser(username);
      await pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [
        passwordHash,
        user.id,
      ]);
    },
    async replacePasswordHash(userId, expected, fresh) {
      const result = await pool.query(
        'UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3',
        [fresh, userId, expected],
      );
      return result.rowCount === 1;
    },
    async setDisabled(username, disabled) {
      const user = await requireUser(username);
      await pool.query('UPDATE users SET disabled = $1 WHERE id = $2', [disabled, user.id]);
    },
    async inactiveUserIds(ids) {
      if (ids.length === 0) return [];
      const found = await rows(
        `SELECT t.id FROM unnest($1::text[]) AS t(id)
         WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.id AND NOT u.disabled)`,
        [ids],
      );
      return found.map((row) => String(row.id));
    },
    async countUsers() {
      return Number((await one('SELECT COUNT(*) AS n FROM users', []))?.n ?? 0);
    },
    async listUsers() {
      return (await rows('SELECT * FROM users ORDER BY username')).map((row) =>
        toPublic(toUser(row)),
      );
    },

    async createCircle(name) {
      const id = randomUUID();
      await inserting(
        EXISTS.circle(name),
        'INSERT INTO circles (id, name, created_at) VALUES ($1, $2, $3)',
        [id, name, Date.now()],
      );
      return { id, name };
    },
    async addMember(circleName, username) {
      const circleId = await requireCircle(circleName);
      const user = await requireUser(username);
      await inserting(
        EXISTS.member(username, circleName),
        'INSERT INTO circle_members (circle_id, user_id) VALUES ($1, $2)',
        [circleId, user.id],
      );
    },
    async removeMember(circleName, username) {
      const circleId = await requireCircle(circleName);
      const user = await requireUser(username);
      const result = await pool.query(
        'DELETE FROM circle_members WHERE circle_id = $1 AND user_id = $2',
        [circleId, user.id],
      );
      if (result.rowCount === 0) {
        throw new StoreError('not-found', NOT_FOUND.member(username, circleName));
      }
    },
    listCircles: async () =>
      groupCircles(
        await rows(
          `SELECT ${CIRCLE_COLUMNS} FROM circles c
           LEFT JOIN circle_members m ON m.circle_id = c.id LEFT JOIN users u ON u.id = m.user_id
           ORDER BY c.name, c.id, u.display_name, u.username`,
        ),
      ),
    circlesOf: async (userId) =>
      groupCircles(
        await rows(
          `SELECT ${CIRCLE_COLUMNS} FROM circle_members mine
           JOIN circles c ON c.id = mine.circle_id
           JOIN circle_members m ON m.circle_id = c.id JOIN users u ON u.id = m.user_id
           WHERE mine.user_id = $1 ORDER BY c.name, c.id, u.display_name, u.username`,
          [userId],
        ),
      ),
    async circleMateIds(userId) {
      const found = await rows(
        `SELECT DISTINCT other.user_id AS id FROM circle_members mine
         JOIN circle_members other ON other.circle_id = mine.circle_id
         JOIN users u ON u.id = other.user_id
         WHERE mine.user_id = $1 AND other.user_id <> mine.user_id AND NOT u.disabled`,
        [userId],
      );
      return found.map((row) => String(row.id));
    },
    async shareCircle(a, b) {
      const row = await one(
        `SELECT 1 AS shared FROM circle_members x JOIN circle_members y ON x.circle_id = y.circle_id
         WHERE x.user_id = $1 AND y.user_id = $2 LIMIT 1`,
        [a, b],
      );
      return row !== undefined;
    },
    close,
  };
}
