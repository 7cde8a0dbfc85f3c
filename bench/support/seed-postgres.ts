/**
 * The same seed as seed.ts, in a PostgreSQL database: the server's own migration makes the schema
 * and the keys, then the rows go in as a few array inserts (unnest) in one transaction.
 */
import { Client } from 'pg';
import { hashPassword } from '../../server/auth/passwords.ts';
import { openDatabase } from '../../server/storage/database.ts';
import {
  ACCESS_KEY_QUERY,
  BENCH_PASSWORD,
  pairRows,
  signPairs,
  type AccessKey,
  type SeededPair,
} from './seed.ts';

export async function seedPostgresPairs(
  url: string,
  dataDir: string,
  count: number,
): Promise<SeededPair[]> {
  await (await openDatabase({ dataDir, url })).close(); // migrates, and makes the keys
  const hash = await hashPassword(BENCH_PASSWORD);
  const rows = pairRows(count);
  const now = Date.now();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO users (id, username, display_name, password_hash, created_at)
       SELECT id, username, display_name, $4, $5 FROM unnest($1::text[], $2::text[], $3::text[])
         AS t(id, username, display_name)`,
      [
        rows.users.map((u) => u.id),
        rows.users.map((u) => u.username),
        rows.users.map((u) => u.displayName),
        hash,
        now,
      ],
    );
    await client.query(
      `INSERT INTO circles (id, name, created_at)
       SELECT id, name, $3 FROM unnest($1::text[], $2::text[]) AS t(id, name)`,
      [rows.circles.map((c) => c.id), rows.circles.map((c) => c.name), now],
    );
    await client.query(
      `INSERT INTO circle_members (circle_id, user_id)
       SELECT * FROM unnest($1::text[], $2::text[])`,
      [rows.members.map((m) => m.circleId), rows.members.map((m) => m.userId)],
    );
    await client.query('COMMIT');
    const key = (await client.query<AccessKey>(ACCESS_KEY_QUERY)).rows[0];
    if (!key) throw new Error('The PostgreSQL database has no access key after its migration.');
    return await signPairs(rows, key);
  } finally {
    await client.end();
  }
}
