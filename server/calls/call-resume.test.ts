/**
 * call-resume of a call the server does not know: only both parties' word brings it back, so a
 * circle-mate cannot make an idle user busy or "in a call" with a call id of their own invention.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

const RESUME_WINDOW_MS = 600;

let h: Harness;
let alice: Client;
let bob: Client;
let mallory: Client;
beforeEach(async () => {
  h = await startHarness({ disconnectGraceMs: 300, resumeWindowMs: RESUME_WINDOW_MS });
  for (const name of ['alice', 'bob', 'mallory']) await h.addUser(name, ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
  mallory = await h.connect('mallory');
});
afterEach(async () => {
  await h.close();
});

async function connectCall(caller: Client, callee: Client): Promise<string> {
  const id = callId(
    await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId }),
  );
  await callee.next('call-offer');
  await callee.send('call-answer', { answer: fakeSdp('answer'), to: caller.userId, callId: id });
  await caller.next('call-answer');
  return id;
}

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

  it('refuses a resume that names a known call of other parties, and the call is untouched', async () => {
    const id = await connectCall(alice, bob);
    for (const to of [alice, bob]) {
      expect(await mallory.send('call-resume', { to: to.userId, callId: id })).toMatchObject({
        ok: false,
        error: { code: 'not-in-call' },
      });
    }
    await alice.send('media-state', mediaState(bob, id));
    expect(await bob.next('media-state')).toMatchObject({ from: alice.userId, callId: id });
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
