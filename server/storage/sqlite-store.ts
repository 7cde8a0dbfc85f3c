import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { guestLinkStore } from './guest-link-store.ts';
import { MIGRATIONS } from './migrations.ts';
import {
  StoreError,
  type AccountStore,
  type CircleRecord,
  type PublicUser,
  type RefreshTokenRecord,
  type UserRecord,
} from './store.ts';

type Row = Record<string, unknown>;

const toUser = (row: Row): UserRecord => ({
  id: String(row.id),
  username: String(row.username),
  displayName: String(row.display_name),
  passwordHash: String(row.password_hash),
  disabled: row.disabled === 1,
});
const toPublic = ({ passwordHash: _, ...user }: UserRecord): PublicUser => user;

function migrate(db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as {
    user_version: number;
  };
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[i] ?? '');
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** Opens (and creates or migrates) `advisor.db` in the data folder. */
export function openSqliteStore(dataDir: string): AccountStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(join(dataDir, 'advisor.db'));
  db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
  migrate(db);
  return createSqliteStore(db);
}

function createSqliteStore(db: DatabaseSync): AccountStore {
  const q = {
    userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: db.prepare(
      'INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    circleByName: db.prepare('SELECT id, name FROM circles WHERE name = ?'),
    members: db.prepare(
      `SELECT u.* FROM circle_members m JOIN users u ON u.id = m.user_id
       WHERE m.circle_id = ? ORDER BY u.display_name`,
    ),
    mates: db.prepare(
      `SELECT DISTINCT other.user_id AS id FROM circle_members mine
       JOIN circle_members other ON other.circle_id = mine.circle_id
       JOIN users u ON u.id = other.user_id
       WHERE mine.user_id = ? AND other.user_id != mine.user_id AND u.disabled = 0`,
    ),
    share: db.prepare(
      `SELECT 1 FROM circle_members a JOIN circle_members b ON a.circle_id = b.circle_id
       WHERE a.user_id = ? AND b.user_id = ? LIMIT 1`,
    ),
  };

  const requireUser = (username: string): UserRecord => {
    const row = q.userByName.get(username);
    if (!row) throw new StoreError('not-found', `No user named "${username}".`);
    return toUser(row);
  };
  const requireCircle = (name: string): { id: string } => {
    const row = q.circleByName.get(name);
    if (!row) throw new StoreError('not-found', `No circle named "${name}".`);
    return { id: String(row.id) };
  };
  const withMembers = (row: Row): CircleRecord => ({
    id: String(row.id),
    name: String(row.name),
    members: q.members.all(String(row.id)).map((m) => toPublic(toUser(m))),
  });

  return {
    ...guestLinkStore(db),
    createUser({ username, displayName, passwordHash }) {
      if (q.userByName.get(username)) {
        throw new StoreError('exists', `A user named "${username}" exists already.`);
      }
      const id = randomUUID();
      q.insertUser.run(id, username, displayName, passwordHash, Date.now());
      return { id, username, displayName, disabled: false };
    },
    userByUsername(username) {
      const row = q.userByName.get(username);
      return row ? toUser(row) : undefined;
    },
    userById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : undefined;
    },
    setPasswordHash(username, passwordHash) {
      const user = requireUser(username);
      db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, user.id);
    },
    setDisabled(username, disabled) {
      const user = requireUser(username);
      db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, user.id);
    },
    countUsers() {
      return Number((db.prepare('SELECT COUNT(*) AS n FROM users').get() as Row).n);
    },
    listUsers() {
      return db
        .prepare('SELECT * FROM users ORDER BY username')
        .all()
        .map((row) => toPublic(toUser(row)));
    },

    createCircle(name) {
      if (q.circleByName.get(name)) {
        throw new StoreError('exists', `A circle named "${name}" exists already.`);
      }
      const id = randomUUID();
      db.prepare('INSERT INTO circles (id, name, created_at) VALUES (?, ?, ?)').run(
        id,
        name,
        Date.now(),
      );
      return { id, name };
    },
    addMember(circleName, username) {
      const circle = requireCircle(circleName);
      const user = requireUser(username);
      const result = db
        .prepare('INSERT OR IGNORE INTO circle_members (circle_id, user_id) VALUES (?, ?)')
        .run(circle.id, user.id);
      if (result.changes === 0) {
        throw new StoreError('exists', `"${username}" is in "${circleName}" already.`);
      }
    },
    removeMember(circleName, username) {
      const circle = requireCircle(circleName);
      const user = requireUser(username);
      const result = db
        .prepare('DELETE FROM circle_members WHERE circle_id = ? AND user_id = ?')
        .run(circle.id, user.id);
      if (result.changes === 0) {
        throw new StoreError('not-found', `"${username}" is not in "${circleName}".`);
      }
    },
    listCircles() {
      return db.prepare('SELECT id, name FROM circles ORDER BY name').all().map(withMembers);
    },
    circlesOf(userId) {
      return db
        .prepare(
          `SELECT c.id, c.name FROM circles c JOIN circle_members m ON m.circle_id = c.id
           WHERE m.user_id = ? ORDER BY c.name`,
        )
        .all(userId)
        .map(withMembers);
    },
    circleMateIds(userId) {
      return q.mates.all(userId).map((row) => String(row.id));
    },
    shareCircle(a, b) {
      return q.share.get(a, b) !== undefined;
    },

    insertRefreshToken({ tokenHash, familyId, userId, expiresAt }) {
      db.prepare(
        `INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)`,
      ).run(tokenHash, familyId, userId, Date.now(), expiresAt);
    },
    refreshToken(tokenHash) {
      const row = db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash);
      if (!row) return undefined;
      const record: RefreshTokenRecord = {
        tokenHash: String(row.token_hash),
        familyId: String(row.family_id),
        userId: String(row.user_id),
        expiresAt: Number(row.expires_at),
        usedAt: row.used_at === null ? null : Number(row.used_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      };
      return record;
    },
    useRefreshToken(tokenHash, at) {
      const result = db
        .prepare(
          `UPDATE refresh_tokens SET used_at = ?
           WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL`,
        )
        .run(at, tokenHash);
      return result.changes === 1;
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
    close() {
      db.close();
    },
  };
}
