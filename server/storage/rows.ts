/**
 * Rows as records, for both stores: SQLite hands back integers for flags, PostgreSQL booleans;
 * times are milliseconds in both (BIGINT in PostgreSQL, read as numbers: see pg-pool.ts).
 */
import type {
  CircleRecord,
  GuestLinkRecord,
  KeyPurpose,
  PublicUser,
  RefreshTokenRecord,
  ServerKeyRecord,
  UserRecord,
} from './store.ts';

export type Row = Record<string, unknown>;

const timeOrNull = (value: unknown): number | null => (value === null ? null : Number(value));

export const toUser = (row: Row): UserRecord => ({
  id: String(row.id),
  username: String(row.username),
  displayName: String(row.display_name),
  passwordHash: String(row.password_hash),
  disabled: row.disabled === 1 || row.disabled === true,
});

export const toPublic = ({ passwordHash: _, ...user }: UserRecord): PublicUser => user;

/**
 * Circles from rows of (circle_id, circle_name, and a member's user columns, null for a circle
 * without members), in the order the query gave them.
 */
export function groupCircles(rows: Row[]): CircleRecord[] {
  const circles = new Map<string, CircleRecord>();
  for (const row of rows) {
    const id = String(row.circle_id);
    let circle = circles.get(id);
    if (!circle) {
      circle = { id, name: String(row.circle_name), members: [] };
      circles.set(id, circle);
    }
    if (row.id !== null) circle.members.push(toPublic(toUser(row)));
  }
  return [...circles.values()];
}

export const toRefreshToken = (row: Row): RefreshTokenRecord => ({
  tokenHash: String(row.token_hash),
  familyId: String(row.family_id),
  userId: String(row.user_id),
  familyStartedAt: Number(row.family_started_at),
  expiresAt: Number(row.expires_at),
  usedAt: timeOrNull(row.used_at),
  revokedAt: timeOrNull(row.revoked_at),
});

export const toGuestLink = (row: Row): GuestLinkRecord => ({
  id: String(row.id),
  tokenHash: String(row.token_hash),
  advisorId: String(row.advisor_id),
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  revokedAt: timeOrNull(row.revoked_at),
});

export const toServerKey = (row: Row): ServerKeyRecord => ({
  kid: String(row.kid),
  purpose: String(row.purpose) as KeyPurpose,
  material: String(row.material),
  createdAt: Number(row.created_at),
});

/** The store's own words for a name taken already (both stores say the same). */
export const EXISTS = {
  user: (username: string) => `A user named "${username}" exists already.`,
  circle: (name: string) => `A circle named "${name}" exists already.`,
  member: (username: string, circle: string) => `"${username}" is in "${circle}" already.`,
};
export const NOT_FOUND = {
  user: (username: string) => `No user named "${username}".`,
  circle: (name: string) => `No circle named "${name}".`,
  member: (username: string, circle: string) => `"${username}" is not in "${circle}".`,
};

/** The columns groupCircles reads, in both stores' circle queries. */
export const CIRCLE_COLUMNS = `c.id AS circle_id, c.name AS circle_name,
  u.id, u.username, u.display_name, u.password_hash, u.disabled`;
