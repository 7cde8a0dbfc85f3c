/**
 * The five seed events between two connected advisors, each checked on arrival with `from`
 * stamped by the server: shared by the single-node and the cluster tests.
 */
import { expect } from 'vitest';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { fakeSdp, type Client } from './harness.ts';

export const callIdOf = (ack: Ack): string => {
  if (!ack.ok || !ack.callId) throw new Error(`expected a call id, got ${JSON.stringify(ack)}`);
  return ack.callId;
};

/** `alice` calls `bob` (a forged `from` is ignored), they trade candidates, hang up, then bob's call is declined. */
export async function expectSeedEvents(alice: Client, bob: Client, aliceName: string) {
  const id = callIdOf(
    await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId, from: bob.userId }),
  );
  expect(await bob.next('call-offer')).toEqual({
    offer: fakeSdp('offer'),
    from: alice.userId,
    fromName: aliceName,
    callId: id,
  });

  // The seed's answer carries no call id: the server finds the call between the two.
  await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId });
  expect(await alice.next('call-answer')).toEqual({
    answer: fakeSdp('answer'),
    from: bob.userId,
    callId: id,
  });

  const candidate = {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
    sdpMid: '0',
    sdpMLineIndex: 0,
  };
  await alice.send('ice-candidate', { candidate, to: bob.userId });
  expect(await bob.next('ice-candidate')).toEqual({ candidate, from: alice.userId, callId: id });
  await bob.send('ice-candidate', { candidate, to: alice.userId });
  expect(await alice.next('ice-candidate')).toEqual({ candidate, from: bob.userId, callId: id });

  await alice.send('end-call', { to: bob.userId });
  expect(await bob.next('end-call')).toEqual({ from: alice.userId, callId: id });

  // call-decline, on a new call.
  const second = callIdOf(
    await bob.send('call-offer', { offer: fakeSdp('offer'), to: alice.userId, from: bob.userId }),
  );
  await alice.next('call-offer');
  expect(await alice.send('call-decline', { to: bob.userId })).toEqual({
    ok: true,
    callId: second,
  });
  expect(await bob.next('call-decline')).toEqual({ from: alice.userId, callId: second });
}
