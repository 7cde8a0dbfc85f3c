import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf as callId, expectSeedEvents } from '../testing/seed-relay.ts';

let h: Harness;
let alice: Client;
let bob: Client;
beforeEach(async () => {
  h = await startHarness({ ringTimeoutMs: 1_000, disconnectGraceMs: 300 });
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
  await h.addUser('carol', ['Elsewhere']);
  await h.addUser('dave', ['Team']);
  alice = await h.connect('alice');
  bob = await h.connect('bob');
});
afterEach(async () => {
  await h.close();
});

/** alice calls bob and bob answers; returns the call id. */
async function connectCall(): Promise<string> {
  const id = callId(
    await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId, from: alice.userId }),
  );
  await bob.next('call-offer');
  expect(await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId })).toEqual({
    ok: true,
    callId: id,
  });
  await alice.next('call-answer');
  return id;
}

describe('the seed protocol between two circle-mates', () => {
  it('relays all five seed events with `from` stamped by the server', async () => {
    await expectSeedEvents(alice, bob, 'Alice Tester');
  });

  it('ignores a spoofed `from`', async () => {
    const dave = await h.connect('dave');
    await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId, from: dave.userId });
    expect((await bob.next<{ from: string }>('call-offer')).from).toBe(alice.userId);
  });

  it('works without acknowledgements (seed clients pass none)', async () => {
    alice.socket.emit('call-offer', {
      offer: fakeSdp('offer'),
      to: bob.userId,
      from: alice.userId,
    });
    expect((await bob.next<{ from: string }>('call-offer')).from).toBe(alice.userId);
    alice.socket.emit('call-offer', { to: bob.userId });
    expect(await alice.next('call-error')).toMatchObject({
      code: 'invalid-payload',
      event: 'call-offer',
    });
  });
});

describe('call rules', () => {
  it("refuses an offer to someone outside the caller's circles; it reaches no one", async () => {
    const carol = await h.connect('carol');
    const ack = await alice.send('call-offer', { offer: fakeSdp('offer'), to: carol.userId });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await alice.next('call-error')).toMatchObject({
      code: 'not-allowed',
      event: 'call-offer',
    });
    await sleep(200);
    expect(carol.received('call-offer')).toEqual([]);
  });

  it('refuses an offer to a disabled circle-mate, to oneself and to an unknown id', async () => {
    await h.store.setDisabled('bob', true);
    expect(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }),
    ).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: alice.userId }),
    ).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await alice.send('call-offer', { offer: fakeSdp('offer'), to: 'nobody' })).toMatchObject(
      { ok: false, error: { code: 'not-allowed' } },
    );
  });

  it('says unavailable when the callee is offline', async () => {
    const daveId = (await h.store.userByUsername('dave'))!.id;
    expect(await alice.send('call-offer', { offer: fakeSdp('offer'), to: daveId })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('refuses messages to or from someone outside the call', async () => {
    const id = await connectCall();
    const dave = await h.connect('dave');
    const candidate = { candidate: 'candidate:x', sdpMid: '0', sdpMLineIndex: 0 };
    // dave, a circle-mate but not a party, tries to inject into the call.
    expect(
      await dave.send('ice-candidate', { candidate, to: alice.userId, callId: id }),
    ).toMatchObject({ ok: false, error: { code: 'not-in-call' } });
    expect(await dave.send('end-call', { to: bob.userId, callId: id })).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    expect(
      await dave.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId }),
    ).toMatchObject({ ok: false, error: { code: 'no-such-call' } });
    // alice sends to dave within her call with bob.
    expect(
      await alice.send('ice-candidate', { candidate, to: dave.userId, callId: id }),
    ).toMatchObject({ ok: false, error: { code: 'not-in-call' } });
    await sleep(200);
    expect(alice.received('end-call')).toEqual([]);
    expect(bob.received('end-call')).toEqual([]);
    expect(dave.received('ice-candidate')).toEqual([]);
  });

  it('a ringing call times out into call-missed for both', async () => {
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    expect(await alice.next('call-missed', 3_000)).toEqual({ callId: id, peer: bob.userId });
    expect(await bob.next('call-missed', 3_000)).toEqual({ callId: id, peer: alice.userId });
    // The call is gone: answering now is refused.
    expect(
      await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id }),
    ).toMatchObject({ ok: false, error: { code: 'no-such-call' } });
  });

  it('a second call to someone in a call gets call-busy', async () => {
    await connectCall();
    const dave = await h.connect('dave');
    const id = callId(await dave.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    expect(await dave.next('call-busy')).toEqual({ from: bob.userId, callId: id });
    await sleep(100);
    expect(bob.received('call-offer')).toHaveLength(1);
  });

  it('a caller already in a call cannot place another', async () => {
    await connectCall();
    await h.connect('dave');
    const daveId = (await h.store.userByUsername('dave'))!.id;
    expect(await alice.send('call-offer', { offer: fakeSdp('offer'), to: daveId })).toMatchObject({
      ok: false,
      error: { code: 'caller-busy' },
    });
  });

  it('the caller cancels a ringing call', async () => {
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    expect(await alice.send('call-cancel', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    expect(await bob.next('call-cancel')).toEqual({ from: alice.userId, callId: id });
    expect(
      await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id }),
    ).toMatchObject({ ok: false });
  });

  it('a party disconnecting ends the call for the other (after the reconnect grace)', async () => {
    const id = await connectCall();
    alice.socket.disconnect();
    expect(await bob.next('end-call', 3_000)).toEqual({ from: alice.userId, callId: id });
  });

  it('a party that reconnects within the grace resumes the call', async () => {
    const id = await connectCall();
    // Signed in first: a sign-in (scrypt) on a loaded machine can take longer than the grace.
    const again = await h.connect('alice');
    alice.socket.disconnect();
    await sleep(50);
    expect(await again.send('call-resume', { to: bob.userId, callId: id })).toEqual({
      ok: true,
      callId: id,
    });
    await sleep(500);
    expect(bob.received('end-call')).toEqual([]);
    await bob.send('media-state', {
      to: alice.userId,
      callId: id,
      state: { audio: false, video: true, screen: false },
    });
    expect(await again.next('media-state')).toMatchObject({
      from: bob.userId,
      state: { audio: false },
    });
  });

  it('the caller leaving a ringing call cancels it for the callee', async () => {
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    alice.socket.disconnect();
    expect(await bob.next('call-cancel')).toEqual({ from: alice.userId, callId: id });
  });

  it('relays renegotiation, media state and recording state only within an active call', async () => {
    const id = await connectCall();
    const description = fakeSdp('offer');
    await bob.send('call-renegotiate', { to: alice.userId, callId: id, description });
    expect(await alice.next('call-renegotiate')).toEqual({
      from: bob.userId,
      callId: id,
      description,
    });
    await alice.send('recording-state', { to: bob.userId, callId: id, state: 'started' });
    expect(await bob.next('recording-state')).toEqual({
      from: alice.userId,
      callId: id,
      state: 'started',
    });
    await alice.send('media-state', {
      to: bob.userId,
      callId: id,
      state: { audio: true, video: false, screen: true },
    });
    expect(await bob.next('media-state')).toEqual({
      from: alice.userId,
      callId: id,
      state: { audio: true, video: false, screen: true },
    });
  });
});

describe('several devices of one user', () => {
  it('all ring; the first to answer wins; the others hear answered-elsewhere and cannot speak', async () => {
    const bob2 = await h.connect('bob');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    await bob2.next('call-offer');
    expect(
      await bob2.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id }),
    ).toEqual({ ok: true, callId: id });
    expect(await bob.next('call-answered-elsewhere')).toEqual({ callId: id });
    expect(bob2.received('call-answered-elsewhere')).toEqual([]);
    expect(
      await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id }),
    ).toMatchObject({ ok: false, error: { code: 'not-in-call' } });
    expect(await bob.send('end-call', { to: alice.userId, callId: id })).toMatchObject({
      ok: false,
      error: { code: 'not-in-call' },
    });
    // Messages from alice now reach only the answering device.
    await alice.send('media-state', {
      to: bob.userId,
      callId: id,
      state: { audio: true, video: true, screen: false },
    });
    await bob2.next('media-state');
    await sleep(100);
    expect(bob.received('media-state')).toEqual([]);
  });

  it('a decline on one device stops the others ringing', async () => {
    const bob2 = await h.connect('bob');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob2.next('call-offer');
    await bob.send('call-decline', { to: alice.userId, callId: id });
    expect(await bob2.next('call-answered-elsewhere')).toEqual({ callId: id });
    expect(await alice.next('call-decline')).toEqual({ from: bob.userId, callId: id });
  });
});

describe('why a call ended', () => {
  it('relays the reason a party gave for ending (media failed or lost), and only a known one', async () => {
    const id = await connectCall();
    expect(
      await alice.send('end-call', { to: bob.userId, callId: id, reason: 'shrug' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(
      await alice.send('end-call', { to: bob.userId, callId: id, reason: 'media-failed' }),
    ).toMatchObject({ ok: true });
    expect(await bob.next('end-call')).toEqual({
      from: alice.userId,
      callId: id,
      reason: 'media-failed',
    });
  });
});

describe('presence', () => {
  it('circle-mates see each other online, in a call and offline; strangers see nothing', async () => {
    const carol = await h.connect('carol');
    const dave = await h.connect('dave');
    const snapshot = await dave.next<{ users: { userId: string; status: string }[] }>(
      'presence-snapshot',
    );
    expect(snapshot.users).toEqual(
      expect.arrayContaining([
        { userId: alice.userId, status: 'online' },
        { userId: bob.userId, status: 'online' },
      ]),
    );
    expect(snapshot.users.map((u) => u.userId)).not.toContain(carol.userId);

    await connectCall();
    const statuses = async (who: string) => {
      for (let i = 0; i < 20; i++) {
        const last = dave
          .received('presence')
          .filter((p) => (p as { userId: string }).userId === who)
          .at(-1) as { status: string } | undefined;
        if (last?.status === 'in-call') return last.status;
        await sleep(50);
      }
      return 'not seen';
    };
    expect(await statuses(alice.userId)).toBe('in-call');
    expect(await statuses(bob.userId)).toBe('in-call');

    const circles = await h.get('/api/circles', dave.tokens.accessToken);
    const members = (circles.body as { circles: { members: { id: string; status: string }[] }[] })
      .circles[0]!.members;
    expect(members.find((m) => m.id === alice.userId)?.status).toBe('in-call');

    alice.socket.disconnect();
    await sleep(200);
    const lastAlice = dave
      .received('presence')
      .filter((p) => (p as { userId: string }).userId === alice.userId)
      .at(-1);
    expect(lastAlice).toEqual({ userId: alice.userId, status: 'offline' });
    expect(carol.received('presence')).toEqual([]);
  });

  it('someone just added to a circle hears their mates go into a call at once', async () => {
    // alice's and bob's mates are cached now (both connected), without erin.
    await h.addUser('erin', ['Team']);
    const erin = await h.connect('erin');
    await connectCall();
    const inCall = async () => {
      for (let i = 0; i < 20; i++) {
        const seen = erin
          .received('presence')
          .filter((p) => (p as { status: string }).status === 'in-call')
          .map((p) => (p as { userId: string }).userId);
        if (seen.includes(alice.userId) && seen.includes(bob.userId)) return true;
        await sleep(50);
      }
      return false;
    };
    expect(await inCall()).toBe(true);
  });
});
