import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Participant } from '../../shared/protocol/signaling.ts';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';

let h: Harness;
let alice: Client;
let bob: Client;
let carol: Client;
beforeEach(async () => {
  h = await startHarness({ ringTimeoutMs: 5_000, disconnectGraceMs: 4_000 });
  await Promise.all(['alice', 'bob', 'carol'].map((name) => h.addUser(name, ['Team'])));
  [alice, bob, carol] = (await Promise.all(['alice', 'bob', 'carol'].map((n) => h.connect(n)))) as [
    Client,
    Client,
    Client,
  ];
});
afterEach(async () => {
  await h.close();
});

/** alice calls bob, bob answers, alice rings carol in, carol joins. */
async function threeWay(): Promise<string> {
  const id = randomUUID();
  await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId, callId: id });
  await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id });
  await alice.send('call-invite', { to: carol.userId, callId: id });
  await carol.next('call-invite');
  expect(await carol.send('call-join', { to: alice.userId, callId: id })).toEqual({
    ok: true,
    callId: id,
  });
  return id;
}

const joinedAtOf = (list: Participant[], userId: string) =>
  list.find((p) => p.userId === userId)?.joinedAt;

describe('coming back to a meeting after a crash', () => {
  it('the returning app is rung into the call; joining tells the others it is a new connection', async () => {
    const id = await threeWay();
    const before = await alice.next<{ participants: Participant[] }>('call-participants');
    await sleep(20);
    carol.socket.disconnect(); // the app crashed: its socket is gone, the grace runs
    await sleep(100);

    const back = await h.connect('carol');
    const ring = await back.next<{ from: string; callId: string; participants: Participant[] }>(
      'call-invite',
    );
    expect(ring.callId).toBe(id);
    expect([alice.userId, bob.userId]).toContain(ring.from);
    expect(await back.send('call-join', { to: ring.from, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    // The others learn it is a new connection (a new joinedAt), and relay reaches the new socket.
    let list = (await alice.next<{ participants: Participant[] }>('call-participants'))
      .participants;
    while (joinedAtOf(list, carol.userId) === joinedAtOf(before.participants, carol.userId)) {
      list = (await alice.next<{ participants: Participant[] }>('call-participants')).participants;
    }
    expect(joinedAtOf(list, carol.userId)).toBeGreaterThan(
      joinedAtOf(before.participants, carol.userId) ?? 0,
    );
    await back.send('call-renegotiate', {
      to: bob.userId,
      callId: id,
      description: { type: 'offer', sdp: 'v=0 anew' },
    });
    expect(await bob.next('call-renegotiate')).toMatchObject({ from: carol.userId, callId: id });
    // The grace of the old socket no longer ends anything.
    await sleep(4_500);
    expect(alice.received('end-call')).toEqual([]);
  });

  it('a ring to rejoin stops when the grace runs out; the others go on without them', async () => {
    const id = await threeWay();
    carol.socket.disconnect();
    await sleep(100);
    const back = await h.connect('carol');
    await back.next('call-invite');
    expect(await alice.next('end-call', 8_000)).toEqual({ from: carol.userId, callId: id });
    expect(await back.next('call-cancel')).toMatchObject({ callId: id });
    expect(await back.send('call-join', { to: alice.userId, callId: id })).toMatchObject({
      ok: false,
    });
  });

  it('a device still in the call is not rung: nobody is away', async () => {
    await threeWay();
    const second = await h.connect('carol');
    await sleep(300);
    expect(second.received('call-invite')).toEqual([]);
  });
});
