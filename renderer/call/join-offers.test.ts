import { describe, expect, it } from 'vitest';
import type { EngineContext } from './engine-context.ts';
import { notJoining, offerToEach } from './join-offers.ts';

/** A context whose sessions offer `offer to <id>`; opening a session takes a turn of the loop. */
function fakeContext() {
  const sessions = new Map<string, { offers: number }>();
  const sent: { to: string; event: string; sdp: string }[] = [];
  const context = {
    peers: { get: (id: string) => sessions.get(id) },
    openPeer: async (id: string, beforeDevices: boolean) => {
      expect(beforeDevices).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const session = sessions.get(id) ?? { offers: 0 };
      sessions.set(id, session);
      return {
        offer: () => {
          session.offers++;
          return Promise.resolve({ type: 'offer', sdp: `offer to ${id}` });
        },
      };
    },
    sendTo: (to: string, event: string, body: { description: { sdp: string } }) => {
      sent.push({ to, event, sdp: body.description.sdp });
      return Promise.resolve({ ok: true });
    },
  } as unknown as EngineContext;
  return { context, sessions, sent };
}

describe("a newcomer's first offers", () => {
  it('offers to each person once, even when the list that answers my join names them again meanwhile', async () => {
    const { context, sessions, sent } = fakeContext();
    const joining = notJoining();
    // Those I was rung with, and (before those sessions exist) the list after my join.
    await Promise.all([
      offerToEach(context, joining, ['avery', 'blake']),
      offerToEach(context, joining, ['avery', 'blake', 'casey']),
    ]);
    expect(sent.map((s) => s.to).sort()).toEqual(['avery', 'blake', 'casey']);
    expect(sent.every((s) => s.event === 'call-renegotiate' && s.sdp === `offer to ${s.to}`)).toBe(
      true,
    );
    expect([...sessions.values()].map((s) => s.offers)).toEqual([1, 1, 1]);
    expect([...joining.offered].sort()).toEqual(['avery', 'blake', 'casey']);
  });

  it('makes no offer to someone I already have a session with (they offered first)', async () => {
    const { context, sessions, sent } = fakeContext();
    sessions.set('avery', { offers: 0 });
    await offerToEach(context, notJoining(), ['avery', 'blake']);
    expect(sent.map((s) => s.to)).toEqual(['blake']);
    expect(sessions.get('avery')?.offers).toBe(0);
  });
});
