/**
 * Who opens each pair of a meeting, and when. Whoever joined first offers to whoever joined
 * later (joined at the same instant: the smaller user id), so both sides know without asking
 * and a newcomer only answers. While someone rings, everyone already in the call makes their
 * offer to them (connection, offer, candidates) and holds it; it goes the moment a participant
 * list says they joined. So the newcomer's side of the set-up is one answer per person, not an
 * offer that must be made and answered first (a newcomer's offers took 200-330 ms from Answer
 * at four people on a loaded 2-core machine; the held ones are ready before the invitee answers).
 */
import type { Participant } from '../../shared/protocol/signaling.ts';
import { participant } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';
import type { PeerSession } from './peer-session.ts';

/** Whether I make the first offer of our pair (the other one answers it). */
export function offersFirst(me: Participant, them: Participant): boolean {
  const mine = me.joinedAt ?? 0;
  const theirs = them.joinedAt ?? 0;
  return mine === theirs ? me.userId < them.userId : mine < theirs;
}

export interface MeetingOffers {
  /** A participant list of the current call: prepares, sends or waits for each pair's offer. */
  follow(list: Participant[], myId: string): Promise<void>;
}

export function createMeetingOffers(context: EngineContext): MeetingOffers {
  /** Sessions being made (the ICE settings may be fetched first): each made once. */
  const opening = new Map<string, Promise<PeerSession | null>>();

  function open(id: string, held: boolean): Promise<PeerSession | null> {
    const callId = context.state().callId;
    const made = context
      .openPeer(id, { beforeDevices: true, held })
      .then((session) => {
        // They left (or the call ended) while it was made: nobody would answer.
        if (!context.isCurrent(callId) || !participant(context.state(), id)) {
          context.peers.close(id);
          return null;
        }
        void session.sendOffer().catch(() => undefined); // a closed session sends nothing
        return session;
      })
      .catch(() => null) // a session that could not be made is lost with its peer
      .finally(() => opening.delete(id));
    opening.set(id, made);
    return made;
  }

  async function followPair(me: Participant, them: Participant): Promise<void> {
    const id = them.userId;
    // No await unless one is being made: two lists in a row must not make two.
    const pending = opening.get(id);
    const session = context.peers.get(id) ?? (pending ? await pending : null);
    if (them.state === 'ringing') {
      if (!session) await open(id, true);
      return;
    }
    if (offersFirst(me, them)) {
      // Made while they rang: it goes now (release does nothing for a session not held).
      if (session) session.release();
      else await open(id, false);
    } else if (session?.isHeld()) {
      // Servers' clocks disagree and they offer after all: mine was never sent; theirs opens it.
      context.peers.close(id);
    }
  }

  return {
    async follow(list, myId) {
      const me = list.find((p) => p.userId === myId);
      // Still ringing myself: offers come once I have joined.
      if (me?.state !== 'joined') return;
      await Promise.all(list.filter((p) => p !== me).map((them) => followPair(me, them)));
    },
  };
}
