/**
 * The lobby: every guest who knocked and connected, by guest id, until their token expires. A
 * guest waits, then is admitted or refused by the advisor they knocked for; a refused one stays
 * refused (their token still works, so a reconnect must not knock on the advisor's door again),
 * and an admitted one stays admitted (a reconnect must not land back in the lobby). A waiting
 * guest whose last connection leaves is forgotten. Behind an interface like the call registry:
 * this one lives in memory, server/cluster/redis-lobby.ts in Redis for several nodes.
 */
import type { GuestRefusal } from '../../shared/protocol/guest.ts';

export type LobbyState = 'waiting' | 'admitted' | 'refused';

export interface LobbyRecord {
  guestId: string;
  name: string;
  advisorId: string;
  linkId: string;
  state: LobbyState;
  /** Why they were refused (state 'refused' only). */
  reason?: GuestRefusal;
  /** When the guest token expires (ms since the epoch); the record goes then. */
  expiresAt: number;
}

/** What an advisor decides about a waiting guest. */
export type Decision = { state: 'admitted' } | { state: 'refused'; reason: GuestRefusal };

export interface Lobby {
  get(guestId: string): Promise<LobbyRecord | undefined>;
  /**
   * Puts the guest in the lobby, waiting, unless a record of theirs is there already; resolves
   * with the record as stored and whether this call made it. A record already expired is not
   * stored (resolves with it, not made).
   */
  enter(record: LobbyRecord): Promise<{ record: LobbyRecord; created: boolean }>;
  /** The guests waiting for this advisor, in the order they came. */
  waitingFor(advisorId: string): Promise<LobbyRecord[]>;
  /**
   * In one step: applies the decision if the guest is still waiting for this advisor; resolves
   * with the record as it is now, or undefined when it did not apply (decided already, gone).
   */
  decide(guestId: string, advisorId: string, decision: Decision): Promise<LobbyRecord | undefined>;
  /** Forgets the guest if they are still waiting; true when this call removed them. */
  leaveIfWaiting(guestId: string): Promise<boolean>;
}

export const isLive = (record: LobbyRecord, now: number): boolean => record.expiresAt > now;

export function createMemoryLobby(now: () => number = Date.now): Lobby {
  const records = new Map<string, LobbyRecord>();
  // Per advisor, the guests waiting for them in the order they came (a Set keeps that order).
  const waiting = new Map<string, Set<string>>();
  const unlist = (record: LobbyRecord): void => {
    const ids = waiting.get(record.advisorId);
    ids?.delete(record.guestId);
    if (ids?.size === 0) waiting.delete(record.advisorId);
  };
  const drop = (record: LobbyRecord): void => {
    records.delete(record.guestId);
    unlist(record);
  };
  // Expired records are dropped when read, and swept now and then so memory stays bounded.
  let entries = 0;
  const sweep = (): void => {
    const t = now();
    for (const record of records.values()) if (!isLive(record, t)) drop(record);
  };
  const get = (guestId: string): LobbyRecord | undefined => {
    const record = records.get(guestId);
    if (!record) return undefined;
    if (isLive(record, now())) return record;
    drop(record);
    return undefined;
  };

  return {
    get: (guestId) => Promise.resolve(get(guestId)),
    enter(record) {
      if (++entries % 1_000 === 0) sweep();
      const existing = get(record.guestId);
      if (existing) return Promise.resolve({ record: existing, created: false });
      if (!isLive(record, now())) return Promise.resolve({ record, created: false });
      const stored = { ...record, state: 'waiting' as const };
      records.set(record.guestId, stored);
      const ids = waiting.get(record.advisorId) ?? new Set<string>();
      waiting.set(record.advisorId, ids.add(record.guestId));
      return Promise.resolve({ record: stored, created: true });
    },
    waitingFor(advisorId) {
      const ids = [...(waiting.get(advisorId) ?? [])];
      return Promise.resolve(
        ids.map(get).filter((r): r is LobbyRecord => r !== undefined && r.state === 'waiting'),
      );
    },
    decide(guestId, advisorId, decision) {
      const record = get(guestId);
      if (record?.state !== 'waiting' || record.advisorId !== advisorId) {
        return Promise.resolve(undefined);
      }
      const next: LobbyRecord = { ...record, ...decision };
      records.set(guestId, next);
      unlist(record);
      return Promise.resolve(next);
    },
    leaveIfWaiting(guestId) {
      const record = get(guestId);
      if (record?.state !== 'waiting') return Promise.resolve(false);
      drop(record);
      return Promise.resolve(true);
    },
  };
}
