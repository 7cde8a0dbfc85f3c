/**
 * A newcomer's first offers: one to each participant, made once however often they are named
 * (the people I was rung with, then the participant list that answers my join).
 */
import type { EngineContext } from './engine-context.ts';

/** My call-join is on its way: the next participant list is answered with my offers. */
export interface Joining {
  pending: boolean;
  /** Whom I have offered to since I answered (each exactly once). */
  offered: Set<string>;
}

export const notJoining = (): Joining => ({ pending: false, offered: new Set() });

/** Opens a session with each of `ids` not offered yet (before my camera is open) and offers. */
export async function offerToEach(
  context: EngineContext,
  joining: Joining,
  ids: string[],
): Promise<void> {
  const fresh = ids.filter((id) => !joining.offered.has(id) && !context.peers.get(id));
  for (const id of fresh) joining.offered.add(id);
  await Promise.all(
    fresh.map(async (id) => {
      const session = await context.openPeer(id, true);
      const offer = await session.offer();
      void context.sendTo(id, 'call-renegotiate', { description: offer });
    }),
  );
}
