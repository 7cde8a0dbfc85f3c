/**
 * Who a call may hold and what they are called. Members are accounts (the account store) and may
 * ring circle-mates; guests (GUEST_ID_PREFIX ids, not in the store) are known from the lobby by
 * the name they knocked with, and may be rung only by the advisor who admitted them.
 */
import { isGuestId } from '../../shared/protocol/guest.ts';
import { isLive, type Lobby } from '../guests/lobby.ts';
import type { AccountStore } from '../storage/store.ts';

export interface Person {
  displayName: string;
  guest: boolean;
}

export function createPeople(store: AccountStore, lobby: Lobby, now: () => number = Date.now) {
  /** The guest as the lobby knows them, if admitted by `memberId` and not expired. */
  const admittedBy = async (guestId: string, memberId: string) => {
    const record = await lobby.get(guestId);
    return record?.state === 'admitted' && record.advisorId === memberId && isLive(record, now())
      ? record
      : undefined;
  };

  return {
    /** A participant's name as everyone sees it; '' for someone no longer known. */
    async describe(userId: string): Promise<Person> {
      if (!isGuestId(userId)) {
        return { displayName: (await store.userById(userId))?.displayName ?? '', guest: false };
      }
      return { displayName: (await lobby.get(userId))?.name ?? '', guest: true };
    },

    /**
     * Whether `from` (a member) may ring `to` into a call: an enabled circle-mate, or a guest
     * they admitted. Resolves with who `to` is, or undefined when not allowed.
     */
    async ringable(from: string, to: string): Promise<Person | undefined> {
      if (from === to || isGuestId(from)) return undefined;
      if (isGuestId(to)) {
        const guest = await admittedBy(to, from);
        return guest && { displayName: guest.name, guest: true };
      }
      const member = await store.userById(to);
      if (!member || member.disabled || !(await store.shareCircle(from, to))) return undefined;
      return { displayName: member.displayName, guest: false };
    },

    /** Whether two users may be the pair of a call (a forgotten one coming back, resume.ts). */
    async mayPair(a: string, b: string): Promise<boolean> {
      if (isGuestId(a) !== isGuestId(b)) {
        const [guest, member] = isGuestId(a) ? [a, b] : [b, a];
        return (await admittedBy(guest, member)) !== undefined;
      }
      return (await this.ringable(a, b)) !== undefined;
    },
  };
}
export type People = ReturnType<typeof createPeople>;
