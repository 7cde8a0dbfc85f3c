/**
 * The account store in SQLite: `advisor.db` in the data folder (WAL, one writer at a time), the
 * zero-set-up default. Synchronous inside (node:sqlite), async outside (asAsync), like the
 * PostgreSQL store.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { guestLinkStore } from './guest-link-store.ts';
import {
  CIRCLE_COLUMNS,
  EXISTS,
  NOT_FOUND,
  groupCircles,
  toPublic,
  toUser,
  type Row,
} from './rows.ts';
import { migrateSqlite, type MigrateOptions } from './sqlite-migrate.ts';
import { sqliteTokenStore } from './sqlite-tokens.ts';
import {
  StoreError,
  asAsync,
  type AccountStore,
  type Synchronous,
  type UserRecord,
} from './store.ts';

export const SQLITE_FILE = 'advisor.db';

/** SQLite's words for a UNIQUE or PRIMARY KEY constraint that refused a row. */
export const isSqliteUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed/.test(error.message);

/** Opens the data folder's database, connected and migrated (without closing anything else). */
export function openSqliteDatabase(
  dataDir: string,
  options: MigrateOptions = { seedKeys: true },
): DatabaseSync {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(join(dataDir, SQLITE_FILE));
  // The wait first: a process opening the file while another sets it up waits its turn.
  db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;');
  migrateSqlite(db, dataDir, options);
  return db;
}

/** Opens (and creates or migrates) `advisor.db` in the data folder. */
export function openSqliteStore(dataDir: string, options?: MigrateOptions): AccountStore {
  return createSqliteStore(openSqliteDatabase(dataDir, options));
}

function createSqliteStore(db: DatabaseSync): AccountStore {
  const q = {
    userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: db.prepare(
      'INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    circleByName: db.prepare('SELECT id, name FROM circles WHERE name = ?'),
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
    inactive: db.prepare(
      `SELECT j.value AS id FROM json_each(?) j
       WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = j.value AND u.disabled = 0)`,
    ),
    allCircles: db.prepare(
      `SELECT ${CIRCLE_COLUMNS} FROM circles c
       LEFT JOIN circle_members m ON m.circle_id = c.id LEFT JOIN users u ON u.id = m.user_id
       ORDER BY c.name, c.id, u.display_name, u.username`,
    ),
    circlesOf: db.prepare(
      `SELECT ${CIRCLE_COLUMNS} FROM circle_members mine
       JOIN circles c ON c.id = mine.circle_id
       JOIN circle_members m ON m.circle_id = c.id JOIN users u ON u.id = m.user_id
       WHERE mine.user_id = ? ORDER BY c.name, c.id, u.display_name, u.username`,
    ),
  };

  const requireUser = (username: string): UserRecord => {
    const row = q.userByName.get(username);
    if (!row) throw new StoreError('not-found', NOT_FOUND.user(username));
    return toUser(row);
  };
  const requireCircle = (name: string): { id: string } => {
    const row = q.circleByName.get(name);
    if (!row) throw new StoreError('not-found', NOT_FOUND.circle(name));
    return { id: String(row.id) };
  };
  /** Runs an insert; a name taken already (even by a racing process) is the store's own error. */
  const inserting = <T>(message: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (isSqliteUniqueViolation(error)) throw new StoreError('exists', message);
      throw error;
    }
  };

  const sync: Synchronous<AccountStore> = {
    ...guestLinkStore(db),
    ...sqliteTokenStore(db),
    createUser({ username, displayName, passwordHash }) {
      const id = randomUUID();
      inserting(EXISTS.user(username), () =>
        q.insertUser.run(id, username, displayName, passwordHash, Date.now()),
      );
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
    replacePasswordHash(userId, expected, fresh) {
      const result = db
        .prepare('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?')
        .run(fresh, userId, expected);
      return result.changes === 1;
    },
    setDisabled(username, disabled) {
      const user = requireUser(username);
      db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, user.id);
    },
    inactiveUserIds(ids) {
      if (ids.length === 0) return [];
      return q.inactive.all(JSON.stringify(ids)).map((row) => String(row.id));
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
      const id = randomUUID();
      inserting(EXISTS.circle(name), () =>
        db
          .prepare('INSERT INTO circles (id, name, created_at) VALUES (?, ?, ?)')
          .run(id, name, Date.now()),
      );
      return { id, name };
    },
    addMember(circleName, username) {
      const circle = requireCircle(circleName);
      const user = requireUser(username);
      inserting(EXISTS.member(username, circleName), () =>
        db
          .prepare('INSERT INTO circle_members (circle_id, user_id) VALUES (?, ?)')
          .run(circle.id, user.id),
      );
    },
    removeMember(circleName, username) {
      const circle = requireCircle(circleName);
      const user = requireUser(username);
      const result = db
        .prepare('DELETE FROM circle_members WHERE circle_id = ? AND user_id = ?')
        .run(circle.id, user.id);
      if (result.changes === 0) {
        throw new StoreError('not-found', NOT_FOUND.member(username, circleName));
      }
    },
    listCircles: () => groupCircles(q.allCircles.all()),
    circlesOf: (userId) => groupCircles(q.circlesOf.all(userId)),
    circleMateIds(userId) {
      return q.mates.all(userId).map((row) => String(row.id));
    },
    shareCircle(a, b) {
      return q.share.get(a, b) !== undefined;
    },
    close() {
      db.close();
    },
  };
  return asAsync<AccountStore>(sync);
}
