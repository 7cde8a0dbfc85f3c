/** Seeds a data folder with many users in two-person circles, fast (one transaction). */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SignJWT } from 'jose';
import { AUDIENCE, ISSUER } from '../../server/auth/tokens.ts';
import { hashPassword } from '../../server/auth/passwords.ts';
import { SQLITE_FILE, openSqliteDatabase } from '../../server/storage/sqlite-store.ts';

export interface SeededPair {
  a: { id: string; token: string };
  b: { id: string; token: string };
}

export async function seedPairs(dataDir: string, count: number): Promise<SeededPair[]> {
  openSqliteDatabase(dataDir).close(); // creates and migrates the schema, and makes the keys
  const hash = await hashPassword('bench-password');
  const db = new DatabaseSync(join(dataDir, SQLITE_FILE));
  const key = db
    .prepare(
      "SELECT kid, material FROM server_keys WHERE purpose = 'access' ORDER BY created_at DESC LIMIT 1",
    )
    .get() as { kid: string; material: string };
  const secret = Buffer.from(key.material, 'base64url');
  const user = db.prepare(
    'INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const circle = db.prepare('INSERT INTO circles (id, name, created_at) VALUES (?, ?, ?)');
  const member = db.prepare('INSERT INTO circle_members (circle_id, user_id) VALUES (?, ?)');
  const pairs: { a: string; b: string }[] = [];
  db.exec('BEGIN');
  for (let i = 0; i < count; i++) {
    const a = randomUUID();
    const b = randomUUID();
    const c = randomUUID();
    user.run(a, `bench-a${i}`, `Bench A${i}`, hash, Date.now());
    user.run(b, `bench-b${i}`, `Bench B${i}`, hash, Date.now());
    circle.run(c, `bench-${i}`, Date.now());
    member.run(c, a);
    member.run(c, b);
    pairs.push({ a, b });
  }
  db.exec('COMMIT');
  db.close();
  const token = (sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: key.kid })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(secret);
  return Promise.all(
    pairs.map(async ({ a, b }) => ({
      a: { id: a, token: await token(a) },
      b: { id: b, token: await token(b) },
    })),
  );
}
