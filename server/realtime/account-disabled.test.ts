/**
 * Disabling an account ends what it is doing: its live sockets are told why and disconnected
 * (the admin CLI writes the store from outside the server, as IT runs it), and a socket that is
 * still there is refused a renewed token and every new call. Real server, real database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { runAdmin } from '../admin/commands.ts';
import { createAuditTrail } from '../audit/audit-trail.ts';
import { silentLogger } from '../log.ts';
import { AUDIENCE, ISSUER } from '../auth/tokens.ts';
import { fakeSdp, sleep, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf as callId } from '../testing/seed-relay.ts';

let h: Harness;
afterEach(async () => {
  await h.close();
});

/** `user disable <username>` through the admin commands, on a connection of its own (as the CLI). */
async function disable(username: string): Promise<void> {
  const { accounts, audit, close } = await h.database.open();
  try {
    await runAdmin(
      accounts,
      ['user', 'disable', username],
      {},
      createAuditTrail(audit, silentLogger),
    );
  } finally {
    await close();
  }
}

const refusedAsDisabled = {
  ok: false,
  error: { code: 'not-allowed', message: expect.stringMatching(/disabled/) as string },
};

const disconnected = (client: Client) =>
  new Promise<string>((resolve) => client.socket.once('disconnect', resolve));

describe('an account disabled while connected', () => {
  beforeEach(async () => {
    // A long reconnect grace: a call that ends promptly ended because the account is gone.
    h = await startHarness({ accountCheckMs: 200, disconnectGraceMs: 30_000 });
    await h.addUser('alice', ['Team']);
    await h.addUser('bob', ['Team']);
  });

  it('every socket of theirs hears account-disabled and is disconnected; others stay', async () => {
    const alice = await h.connect('alice');
    const alice2 = await h.connect('alice');
    const bob = await h.connect('bob');
    const gone = [disconnected(alice), disconnected(alice2)];
    await disable('alice');
    for (const client of [alice, alice2]) {
      expect(await client.next<{ message: string }>('account-disabled', 3_000)).toEqual({
        message: expect.stringMatching(/disabled/) as string,
      });
    }
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(bob.socket.connected).toBe(true);
    // The account cannot come back on the token it still holds.
    await expect(h.connectWith(alice.tokens.accessToken, alice.tokens)).rejects.toThrow(
      'account-disabled',
    );
  });

  it('a call in progress ends for the other party at once, not after the reconnect grace', async () => {
    const alice = await h.connect('alice');
    const bob = await h.connect('bob');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.next('call-offer');
    await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id });
    await disable('alice');
    expect(await bob.next('end-call', 3_000)).toEqual({ from: alice.userId, callId: id });
  });
});

describe('a disabled account whose socket is still open', () => {
  beforeEach(async () => {
    // The periodic check is out of the way: these are the handlers' own checks.
    h = await startHarness({ accountCheckMs: 600_000 });
    await h.addUser('alice', ['Team']);
    await h.addUser('bob', ['Team']);
    await h.addUser('carol', ['Team']);
  });

  it('is refused call-join and call-offer; nobody rings', async () => {
    const alice = await h.connect('alice');
    const bob = await h.connect('bob');
    const carol = await h.connect('carol');
    // bob calls carol and invites alice, who is then disabled while she rings.
    const id = callId(await bob.send('call-offer', { offer: fakeSdp('offer'), to: carol.userId }));
    await carol.send('call-answer', { answer: fakeSdp('answer'), to: bob.userId, callId: id });
    await bob.send('call-invite', { to: alice.userId, callId: id });
    await alice.next('call-invite');
    await disable('alice');
    expect(await alice.send('call-join', { to: bob.userId, callId: id })).toMatchObject(
      refusedAsDisabled,
    );
    expect(
      await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }),
    ).toMatchObject(refusedAsDisabled);
    await sleep(100);
    expect(bob.received('call-offer')).toEqual([]);
    expect(bob.received('call-participants')).not.toContainEqual(
      expect.objectContaining({
        participants: expect.arrayContaining([
          expect.objectContaining({ userId: alice.userId, state: 'joined' }),
        ]) as unknown,
      }),
    );
  });

  it('a disabled inviter is refused call-invite', async () => {
    const alice = await h.connect('alice');
    const bob = await h.connect('bob');
    const carol = await h.connect('carol');
    const id = callId(await alice.send('call-offer', { offer: fakeSdp('offer'), to: bob.userId }));
    await bob.send('call-answer', { answer: fakeSdp('answer'), to: alice.userId, callId: id });
    await disable('alice');
    expect(await alice.send('call-invite', { to: carol.userId, callId: id })).toMatchObject(
      refusedAsDisabled,
    );
    await sleep(100);
    expect(carol.received('call-invite')).toEqual([]);
  });

  it('auth-renew with a still-valid token is refused, and the socket is ended', async () => {
    const alice = await h.connect('alice');
    // A token signed before the account was disabled, valid for minutes yet.
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: h.signingKeyId })
      .setSubject(alice.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(h.signingKey);
    const gone = disconnected(alice);
    await disable('alice');
    expect(await alice.send('auth-renew', { token })).toMatchObject(refusedAsDisabled);
    expect(await alice.next('account-disabled')).toMatchObject({
      message: expect.any(String) as string,
    });
    expect(await gone).toBe('io server disconnect');
  });
});
