/** Calls in tests, through the real signaling: a 1:1 call answered, and a third person joining. */
import { fakeSdp, type Client } from './harness.ts';
import { callIdOf } from './seed-relay.ts';

/** `caller` calls `callee`, who answers; resolves with the call id once the caller heard it. */
export async function connectCall(caller: Client, callee: Client): Promise<string> {
  const id = callIdOf(
    await caller.send('call-offer', { offer: fakeSdp('offer'), to: callee.userId }),
  );
  await callee.next('call-offer');
  const ack = await callee.send('call-answer', {
    answer: fakeSdp('answer'),
    to: caller.userId,
    callId: id,
  });
  if (!ack.ok) throw new Error(`answer: ${ack.error.message}`);
  await caller.next('call-answer');
  return id;
}

/** `from` rings `to` into the call and `to` joins it. */
export async function inviteAndJoin(from: Client, to: Client, callId: string): Promise<void> {
  const invited = await from.send('call-invite', { to: to.userId, callId });
  if (!invited.ok) throw new Error(`invite: ${invited.error.message}`);
  await to.next('call-invite');
  const joined = await to.send('call-join', { to: from.userId, callId });
  if (!joined.ok) throw new Error(`join: ${joined.error.message}`);
}
