/**
 * call-resume of a call the server does not know: only both parties' word brings it back, so a
 * circle-mate cannot make an idle user busy or "in a call" with a call id of their own invention.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { connectCall, inviteAndJoin } from '../testing/calls.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

const RESUME_WINDOW_MS = 600;

let h: Harness;
let alice: Client;
let bob: Client;
let mallory: Client;
let carol: Client;
beforeEach(async () => {
  h = await startHarness({ disconnectGraceMs: 300, resumeWindowMs: RESUME_WINDOW_MS });
  for (const name of ['alice', 'bob', 'mallory', 'carol']) await h.addUser(name, ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
  mallory = await h.connect('mallory');
  carol = await h.connect('carol');
});
afterEach(async () => {
  await h.close();
});

/** The status the server reports for `userId` to a circle-mate, as the app's Home list reads it. */
async function statusOf(viewer: Client, userId: string): Promise<string | undefined> {
  const { body } = await h.get('/api/circles', viewer.tokens.accessToken);
  const circles = (body as { circles: { members: { id: string; status: string }[] }[] }).circles;
  return circles.flatMap((c) => c.members).find((m) => m.id === userId)?.status;
}

const mediaState = (to: Client, id: string) => ({
  to: to.userId,
  callId: id,
  state: { audio: false, video: true, screen: false },
});

describe('call-resume of a call the server does not know', () => {
  it("a circle-mate's forged resume makes the victim neither busy nor in a call", async () => {
    const forged = randomUUID();
    // Acknowledged like any first resume (the sender cannot tell it went nowhere)...
    expect(await mallory.send('call-resume', { to: bob.userId, callId: forged })).toEqual({
      ok: true,
      callId: forged,
    });
    await sleep(100);
    // ...but it changed nothing anyone can see or feel.
    expect(await statusOf(alice, bob.userId)).toBe('online');
    expect(await statusOf(alice, mallory.userId)).toBe('online');
    expect(
      alice.received('presence').filter((p) => (p as { status: string }).status === 'in-call'),
    ).toEqual([]);
    expect(await mallory.send('media-state', mediaState(bob, forged))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    // A real call to bob rings him rather than coming back busy.
    const real = callId(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }),
    );
    expect(await bob.next('call-offer')).toMatchObject({ from: alice.userId, callId: real });
    expect(alice.received('call-busy')).toEqual([]);
    expect(bob.received('media-state')).toEqual([]);
  });

  it('a resume naming a known call of other parties gets nobody in, and the call is untouched', async () => {
    const id = await connectCall(alice, bob);
    // Held like any claim nobody has matched (a participant not back yet looks the same): only
    // a party of the call naming mallory could match it, and none ever will.
    for (const to of [alice, bob]) {
      expect(await mallory.send('call-resume', { to: to.userId, callId: id })).toEqual({
        ok: true,
        callId: id,
      });
    }
    expect(await mallory.send('media-state', mediaState(bob, id))).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    expect(await statusOf(alice, mallory.userId)).toBe('online');
    await alice.send('media-state', mediaState(bob, id));
    expect(await bob.next('media-state')).toMatchObject({ from: alice.userId, callId: id });
    expect(bob.received('media-state')).toHaveLength(1);
  });

  it('after a server restart, both parties resuming brings the call back for mid-call messages', async () => {
    const id = await connectCall(alice, bob);
    await h.restart();
    const alice2 = await h.connect('alice');
    const bob2 = await h.connect('bob');
    expect(await alice2.send('call-resume', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    // One side's word alone: pending, so nothing passes yet and alice is not busy.
    expect(await alice2.send('media-state', mediaState(bob2, id))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    expect(await statusOf(bob2, alice.userId)).toBe('online');
    expect(await bob2.send('call-resume', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await statusOf(mallory, alice.userId)).toBe('in-call');
    await alice2.send('media-state', mediaState(bob2, id));
    expect(await bob2.next('media-state')).toMatchObject({ from: alice.userId, callId: id });
    await bob2.send('media-state', mediaState(alice2, id));
    expect(await alice2.next('media-state')).toMatchObject({ from: bob.userId, callId: id });
    expect(await bob2.send('end-call', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await alice2.next('end-call')).toEqual({ from: bob.userId, callId: id });
    expect(await statusOf(mallory, alice.userId)).toBe('online');
  });

  /** A meeting of alice, bob and carol (alice invites carol into her call with bob). */
  async function meetingOfThree(): Promise<string> {
    const id = await connectCall(alice, bob);
    await inviteAndJoin(alice, carol, id);
    return id;
  }

  /** After a restart: each sends call-resume to each other participant, in this order. */
  async function resumeInOrder(id: string, order: [Client, Client][]): Promise<void> {
    for (const [from, to] of order) {
      expect(await from.send('call-resume', { to: to.userId, callId: id })).toEqual({
        ok: true,
        callId: id,
      });
    }
  }

  /** Every pair of the three passes a mid-call message both ways. */
  async function allThreeTalk(people: Client[], id: string): Promise<void> {
    for (const from of people) {
      for (const to of people) {
        if (from === to) continue;
        expect(await from.send('media-state', mediaState(to, id))).toEqual({
          ok: true,
          callId: id,
        });
        expect(await to.next('media-state')).toMatchObject({ from: from.userId, callId: id });
      }
    }
  }

  it('after a restart, a meeting of three comes back whole, one pair then the third', async () => {
    const id = await meetingOfThree();
    await h.restart();
    const [a, b, c] = [await h.connect('alice'), await h.connect('bob'), await h.connect('carol')];
    // Each app names every other participant as soon as it is back (the engine's resumeCall):
    // alice and bob make the call known again; carol's two and bob's naming carol bring her in.
    await resumeInOrder(id, [
      [a, b],
      [a, c],
      [b, a],
      [c, a],
      [b, c],
      [c, b],
    ]);
    await allThreeTalk([a, b, c], id);
    expect(await statusOf(mallory, carol.userId)).toBe('in-call');
    // Nobody else came in on the way.
    const m = await h.connect('mallory');
    expect(await m.send('call-resume', { to: alice.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await m.send('media-state', mediaState(a, id))).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
  });

  it('after a restart, the third comes back even when they resume before anyone else', async () => {
    const id = await meetingOfThree();
    await h.restart();
    const [a, b, c] = [await h.connect('alice'), await h.connect('bob'), await h.connect('carol')];
    await resumeInOrder(id, [
      [c, a],
      [c, b],
      [b, c],
      [b, a],
      [a, b],
      [a, c],
    ]);
    await allThreeTalk([a, b, c], id);
  });

  it('after a restart, a participant nobody back in the call names stays out', async () => {
    const id = await meetingOfThree();
    await h.restart();
    const [a, b, c] = [await h.connect('alice'), await h.connect('bob'), await h.connect('carol')];
    // carol names both, but alice and bob (back as a pair) never name her (they had let her go).
    await resumeInOrder(id, [
      [a, b],
      [b, a],
      [c, a],
      [c, b],
    ]);
    expect(await c.send('media-state', mediaState(a, id))).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    expect(await statusOf(mallory, carol.userId)).toBe('online');
    await a.send('media-state', mediaState(b, id));
    expect(await b.next('media-state')).toMatchObject({ from: alice.userId, callId: id });
  });

  it('a resume waits only so long for the other party', async () => {
    const id = randomUUID();
    await alice.send('call-resume', { to: bob.userId, callId: id });
    await sleep(RESUME_WINDOW_MS + 200);
    // bob's resume is now a first claim of its own, not the second half of alice's.
    await bob.send('call-resume', { to: alice.userId, callId: id });
    expect(await bob.send('media-state', mediaState(alice, id))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    expect(await statusOf(mallory, bob.userId)).toBe('online');
  });

  it('a pending resume ends with its socket: the other party cannot bind a socket that left', async () => {
    const id = randomUUID();
    await alice.send('call-resume', { to: bob.userId, callId: id });
    alice.socket.disconnect();
    await sleep(100);
    await bob.send('call-resume', { to: alice.userId, callId: id });
    expect(await bob.send('media-state', mediaState(alice, id))).toMatchObject({
      ok: false,
      error: { code: 'no-such-call' },
    });
    expect(await statusOf(mallory, bob.userId)).toBe('online');
  });
});
