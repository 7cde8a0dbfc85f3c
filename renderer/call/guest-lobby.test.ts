import { describe, expect, it, vi } from 'vitest';
import {
  EMPTY_LOBBY,
  MAX_WAITING,
  createGuestLobby,
  reduceLobby,
  type LobbyAction,
  type LobbyState,
} from './guest-lobby.ts';

const run = (actions: LobbyAction[], from: LobbyState = EMPTY_LOBBY): LobbyState =>
  actions.reduce(reduceLobby, from);
const casey = { type: 'waiting', guestId: 'guest-casey', name: 'Casey Client' } as const;
const dana = { type: 'waiting', guestId: 'guest-dana', name: 'Dana Client' } as const;

describe('reduceLobby', () => {
  it('lists waiting guests in the order they came, and drops one who is gone', () => {
    const s = run([casey, dana]);
    expect(s.waiting).toEqual([
      { guestId: 'guest-casey', name: 'Casey Client', deciding: false },
      { guestId: 'guest-dana', name: 'Dana Client', deciding: false },
    ]);
    expect(reduceLobby(s, { type: 'gone', guestId: 'guest-casey' }).waiting).toEqual([
      { guestId: 'guest-dana', name: 'Dana Client', deciding: false },
    ]);
  });

  it('a guest told again keeps their place (after a reconnect)', () => {
    const s = run([casey, dana, { ...casey, name: 'Casey C.' }]);
    expect(s.waiting.map((g) => g.name)).toEqual(['Casey C.', 'Dana Client']);
  });

  it('changes nothing for an unknown guest (same object: no re-render)', () => {
    const s = run([casey]);
    expect(reduceLobby(s, { type: 'gone', guestId: 'guest-nobody' })).toBe(s);
    expect(reduceLobby(s, { type: 'deciding', guestId: 'guest-nobody', on: true })).toBe(s);
    expect(reduceLobby(s, { type: 'dismiss' })).toBe(s);
  });

  it('marks a guest being decided on, and back', () => {
    let s = run([casey, { type: 'deciding', guestId: 'guest-casey', on: true }]);
    expect(s.waiting[0]!.deciding).toBe(true);
    s = reduceLobby(s, { type: 'deciding', guestId: 'guest-casey', on: false });
    expect(s.waiting[0]!.deciding).toBe(false);
  });

  it('keeps a problem until dismissed, beside the queue', () => {
    const s = run([casey, { type: 'problem', message: 'Casey Client cannot join.' }]);
    expect(s.problem).toBe('Casey Client cannot join.');
    expect(s.waiting).toHaveLength(1);
    expect(reduceLobby(s, { type: 'dismiss' })).toEqual({ ...s, problem: null });
  });

  it(`holds at most ${MAX_WAITING} guests`, () => {
    const many = Array.from({ length: MAX_WAITING + 5 }, (_, i): LobbyAction => ({
      type: 'waiting',
      guestId: `guest-${i}`,
      name: `Guest ${i}`,
    }));
    const s = run(many);
    expect(s.waiting).toHaveLength(MAX_WAITING);
    expect(s.waiting.at(-1)!.guestId).toBe(`guest-${MAX_WAITING - 1}`);
  });
});

describe('createGuestLobby', () => {
  it('tells listeners of changes only, and finds a guest', () => {
    const lobby = createGuestLobby();
    const listener = vi.fn();
    const off = lobby.subscribe(listener);
    lobby.dispatch(casey);
    lobby.dispatch({ type: 'gone', guestId: 'guest-nobody' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(lobby.find('guest-casey')?.name).toBe('Casey Client');
    off();
    lobby.dispatch(dana);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(lobby.snapshot().waiting).toHaveLength(2);
  });
});
