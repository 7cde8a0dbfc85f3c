/**
 * Guest links in SQLite: an advisor's meeting links, each known by the SHA-256 hash of its token
 * (the token itself is told once, when made, and never stored).
 */
import type { DatabaseSync } from 'node:sqlite';
import { toGuestLink as toLink } from './rows.ts';
import type { GuestLinkStore, Synchronous } from './store.ts';

export function guestLinkStore(db: DatabaseSync): Synchronous<GuestLinkStore> {
  const q = {
    insert: db.prepare(
      `INSERT INTO guest_links (id, token_hash, advisor_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    byHash: db.prepare('SELECT * FROM guest_links WHERE token_hash = ?'),
    byId: db.prepare('SELECT * FROM guest_links WHERE id = ?'),
    live: db.prepare(
      `SELECT * FROM guest_links WHERE advisor_id = ? AND expires_at > ? AND revoked_at IS NULL
       ORDER BY created_at, rowid`,
    ),
    revoke: db.prepare(
      `UPDATE guest_links SET revoked_at = ?
       WHERE id = ? AND advisor_id = ? AND revoked_at IS NULL`,
    ),
  };
  return {
    insertGuestLink(link) {
      q.insert.run(link.id, link.tokenHash, link.advisorId, link.createdAt, link.expiresAt);
    },
    guestLinkByHash(tokenHash) {
      const row = q.byHash.get(tokenHash);
      return row ? toLink(row) : undefined;
    },
    guestLinkById(id) {
      const row = q.byId.get(id);
      return row ? toLink(row) : undefined;
    },
    liveGuestLinks(advisorId, now) {
      return q.live.all(advisorId, now).map(toLink);
    },
    revokeGuestLink(id, advisorId, at) {
      return q.revoke.run(at, id, advisorId).changes === 1;
    },
  };
}
