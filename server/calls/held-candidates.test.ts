import { describe, expect, it } from 'vitest';
import { createHeldCandidates } from './held-candidates.ts';

const c = (n: number) => ({ candidate: `candidate:${n}` });

describe('candidates held for an offer that has not arrived', () => {
  it('hands over, in order, only the live ones this socket sent for that call and callee', () => {
    let now = 0;
    const held = createHeldCandidates({ ttlMs: 5_000, now: () => now });
    expect(held.hold('s1', 'call-1', 'bob', c(1))).toBe(true);
    now = 3_000;
    held.hold('s1', 'call-1', 'bob', c(2));
    held.hold('s1', 'call-1', 'carol', c(3));
    held.hold('s1', 'call-2', 'bob', c(4));
    held.hold('s2', 'call-1', 'bob', c(5));
    now = 6_000; // the first has expired
    expect(held.take('s1', 'call-1', 'bob')).toEqual([c(2)]);
    // Taken once: the call's others are forgotten too; other calls and sockets keep theirs.
    expect(held.take('s1', 'call-1', 'carol')).toEqual([]);
    expect(held.take('s1', 'call-2', 'bob')).toEqual([c(4)]);
    held.drop('s2');
    expect(held.take('s2', 'call-1', 'bob')).toEqual([]);
  });

  it('holds at most so many per socket and overall, and frees room as they expire or leave', () => {
    let now = 0;
    const held = createHeldCandidates({ ttlMs: 1_000, perSocket: 2, total: 3, now: () => now });
    expect([1, 2, 3].map((n) => held.hold('s1', 'x', 'bob', c(n)))).toEqual([true, true, false]);
    expect(held.hold('s2', 'x', 'bob', c(4))).toBe(true);
    expect(held.hold('s3', 'x', 'bob', c(5))).toBe(false);
    held.drop('s2');
    expect(held.hold('s3', 'x', 'bob', c(6))).toBe(true);
    now = 2_000;
    expect(held.hold('s4', 'x', 'bob', c(7))).toBe(true);
    expect(held.hold('s4', 'x', 'bob', c(8))).toBe(true);
    expect(held.take('s4', 'x', 'bob')).toEqual([c(7), c(8)]);
  });
});
