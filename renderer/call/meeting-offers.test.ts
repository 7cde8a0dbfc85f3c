import { describe, expect, it } from 'vitest';
import type { Participant } from '../../shared/protocol/signaling.ts';
import type { EngineContext } from './engine-context.ts';
import { createMeetingOffers, offersFirst } from './meeting-offers.ts';

interface FakeSession {
  id: string;
  held: boolean;
  offers: number;
  released: number;
  closed: boolean;
}

/** Sessions that count what is done to them; making one takes a turn of the loop (ICE settings). */
function fakeContext(present: string[]) {
  const sessions = new Map<string, FakeSession>();
  const made: FakeSession[] = [];
  let participants = present.map((id) => ({ id }));
  const context = {
    state: () => ({ callId: 'call-1', participants }),
    isCurrent: (callId: string | null | undefined) => callId === 'call-1',
    peers: {
      get: (id: string) => sessions.get(id),
      close: (id: string) => {
        const session = sessions.get(id);
        if (session) session.closed = true;
        sessions.delete(id);
      },
    },
    openPeer: async (id: string, how: { beforeDevices?: boolean; held?: boolean }) => {
      expect(how.beforeDevices).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const existing = sessions.get(id);
      if (existing) return existing;
      const fake: FakeSession = {
        id,
        held: how.held ?? false,
        offers: 0,
        released: 0,
        closed: false,
      };
      const session = Object.assign(fake, {
        sendOffer: () => {
          fake.offers++;
          return Promise.resolve();
        },
        release: () => {
          fake.released++;
        },
        isHeld: () => fake.held && fake.released === 0,
      });
      sessions.set(id, session);
      made.push(fake);
      return session;
    },
  } as unknown as EngineContext;
  return {
    context,
    made,
    leave: (id: string) => {
      participants = participants.filter((p) => p.id !== id);
      context.peers.close(id);
    },
  };
}

const joined = (userId: string, joinedAt: number): Participant => ({
  userId,
  displayName: userId,
  state: 'joined',
  joinedAt,
});
const ringing = (userId: string): Participant => ({
  userId,
  displayName: userId,
  state: 'ringing',
});
// What was done to the sessions made for `id`.
const wrapped = (made: FakeSession[], id: string) =>
  made
    .filter((s) => s.id === id)
    .map(({ held, offers, released, closed }) => ({ id, held, offers, released, closed }));

describe('who offers first in a pair', () => {
  it('is whoever joined first; at the same instant, the smaller user id', () => {
    expect(offersFirst(joined('b', 100), joined('a', 200))).toBe(true);
    expect(offersFirst(joined('a', 200), joined('b', 100))).toBe(false);
    expect(offersFirst(joined('a', 100), joined('b', 100))).toBe(true);
    expect(offersFirst(joined('b', 100), joined('a', 100))).toBe(false);
  });
});

describe("a meeting's offers", () => {
  it('holds an offer for someone ringing and sends it once they have joined, without a second session', async () => {
    const { context, made } = fakeContext(['casey']);
    const offers = createMeetingOffers(context);
    // The ringing list twice in a row (before the session exists), then the joined one.
    await Promise.all([
      offers.follow([joined('avery', 100), ringing('casey')], 'avery'),
      offers.follow([joined('avery', 100), ringing('casey')], 'avery'),
    ]);
    expect(wrapped(made, 'casey')).toEqual([
      { id: 'casey', held: true, offers: 1, released: 0, closed: false },
    ]);
    await offers.follow([joined('avery', 100), joined('casey', 300)], 'avery');
    expect(wrapped(made, 'casey')).toEqual([
      { id: 'casey', held: true, offers: 1, released: 1, closed: false },
    ]);
  });

  it('releases an offer still being made when the list that says they joined comes first', async () => {
    const { context, made } = fakeContext(['casey']);
    const offers = createMeetingOffers(context);
    await Promise.all([
      offers.follow([joined('avery', 100), ringing('casey')], 'avery'),
      offers.follow([joined('avery', 100), joined('casey', 300)], 'avery'),
    ]);
    expect(wrapped(made, 'casey')).toEqual([
      { id: 'casey', held: true, offers: 1, released: 1, closed: false },
    ]);
  });

  it('offers at once to someone who joined after me with no session yet (back after a crash)', async () => {
    const { context, made } = fakeContext(['blake']);
    await createMeetingOffers(context).follow(
      [joined('avery', 100), joined('blake', 500)],
      'avery',
    );
    expect(wrapped(made, 'blake')).toEqual([
      { id: 'blake', held: false, offers: 1, released: 0, closed: false },
    ]);
  });

  it('as the newcomer: offers to nobody who joined before me, holds one for whoever still rings', async () => {
    const { context, made } = fakeContext(['avery', 'blake', 'drew']);
    const list = [
      joined('avery', 100),
      joined('blake', 200),
      joined('casey', 300),
      ringing('drew'),
    ];
    await createMeetingOffers(context).follow(list, 'casey');
    expect(made.map((s) => [s.id, s.held])).toEqual([['drew', true]]);
  });

  it('does nothing while I ring myself', async () => {
    const { context, made } = fakeContext(['avery', 'drew']);
    await createMeetingOffers(context).follow([joined('avery', 100), ringing('drew')], 'drew');
    await createMeetingOffers(context).follow([joined('avery', 100), ringing('casey')], 'casey');
    expect(made).toEqual([]);
  });

  it('closes a session made for someone who left meanwhile, and sends it nothing', async () => {
    const { context, made, leave } = fakeContext(['casey']);
    const followed = createMeetingOffers(context).follow(
      [joined('avery', 100), ringing('casey')],
      'avery',
    );
    leave('casey'); // declined before the session was made
    await followed;
    expect(wrapped(made, 'casey')).toEqual([
      { id: 'casey', held: true, offers: 0, released: 0, closed: true },
    ]);
  });

  it("closes my held offer when they turn out to have joined first (servers' clocks apart)", async () => {
    const { context, made } = fakeContext(['casey']);
    const offers = createMeetingOffers(context);
    await offers.follow([joined('avery', 100), ringing('casey')], 'avery');
    await offers.follow([joined('avery', 100), joined('casey', 50)], 'avery');
    expect(wrapped(made, 'casey')).toEqual([
      { id: 'casey', held: true, offers: 1, released: 0, closed: true },
    ]);
  });
});
