/**
 * Seeds a database with many users in two-person circles, fast (one transaction), and signs each
 * an access token with the database's own key. SQLite here; PostgreSQL in seed-postgres.ts.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SignJWT } from 'jose';
import { AUDIENCE, ISSUER } from '../../server/auth/tokens.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SQLITE_FILE, openSqliteDatabase } from '../../server/storage/sqlite-store.ts';

/** Every seeded user's password: the sign-in bench signs in with it. */
export const BENCH_PASSWORD = 'bench-password';

export interface SeededUser {
  id: string;
  username: string;
  token: string;
}

export interface SeededPair {
  a: SeededUser;
  b: SeededUser;
}

/** The rows of `count` pairs, each pair alone in a circle of its own. */
export interface SeedRows {
  users: { id: string; username: string; displayName: string }[];
  circles: { id: string; name: string }[];
  members: { circleId: string; userId: string }[];
  pairs: { a: string; b: string }[];
}

export function pairRows(count: number): SeedRows {
  const rows: SeedRows = { users: [], circles: [], members: [], pairs: [] };
  for (let i = 0; i < count; i++) {
    const a = randomUUID();
    const b = randomUUID();
    const circleId = randomUUID();
    rows.users.push(
      { id: a, username: `bench-a${i}`, displayName: `Bench A${i}` },
      { id: b, username: `bench-b${i}`, displayName: `Bench B${i}` },
    );
    rows.circles.push({ id: circleId, name: `bench-${i}` });
    rows.members.push({ circleId, userId: a }, { circleId, userId: b });
    rows.pairs.push({ a, b });
  }
  return rows;
}

/** The access key as the server_keys table holds it. */
// A type, not an interface: node:sqlite's row type converts to it.
export type AccessKey = { kid: string; material: string };

export const ACCESS_KEY_QUERY =
  "SELECT kid, material FROM server_keys WHERE purpose = 'access' ORDER BY created_at DESC LIMIT 1";

/** Access tokens for every pair, as the server would issue them (an hour: a long run outlasts 10 min). */
export function signPairs(rows: SeedRows, key: AccessKey): Promise<SeededPair[]> {
  const secret = Buffer.from(key.material, 'base64url');
  const names = new Map(rows.users.map((u) => [u.id, u.username]));
  const user = async (id: string): Promise<SeededUser> => ({
    id,
    username: names.get(id) ?? '',
    token: await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setSubject(id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret),
  });
  return Promise.all(rows.pairs.map(async ({ a, b }) => ({ a: await user(a), b: await user(b) })));
}

export async function seedPairs(dataDir: string, count: number): Promise<SeededPair[]> {
  openSqliteDatabase(dataDir).close(); // creates and migrates the schema, and makes the keys
  const hash = await hashPassword(BENCH_PASSWORD);
  const rows = pairRows(count);
  const db = new DatabaseSync(join(dataDir, SQLITE_FILE));
  const key = db.prepare(ACCESS_KEY_QUERY).get() as AccessKey;
  const user = db.prepare(
    'INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const circle = db.prepare('INSERT INTO circles (id, name, created_at) VALUES (?, ?, ?)');
  const member = db.prepare('INSERT INTO circle_members (circle_id, user_id) VALUES (?, ?)');
  db.exec('BEGIN');
  for (const u of rows.users) user.run(u.id, u.username, u.displayName, hash, Date.now());
  for (const c of rows.circles) circle.run(c.id, c.name, Date.now());
  for (const m of rows.members) member.run(m.circleId, m.userId);
  db.exec('COMMIT');
  db.close();
  return signPairs(rows, key);
}
