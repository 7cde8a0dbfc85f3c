/**
 * A whole session on the real server (real SQLite, real sockets, the real REST API), then its
 * audit trail: every kind of event is there with who did it, the chain verifies, and not one of
 * the session's secrets (access, refresh, guest and link tokens, passwords, SDP, ICE candidates)
 * is anywhere in the audit tables. Prints how many records the session made.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECEIPT_PATHS } from '../../shared/protocol/recording-receipts.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { connectCall } from '../testing/calls.ts';
import { guestAtTheDoor } from '../testing/guests.ts';
import { PASSWORD, startHarness, type Client, type Harness } from '../testing/harness.ts';
import { callIdOf } from '../testing/seed-relay.ts';
import type { AuditRecord } from './audit-record.ts';
import { verifyChain } from './verify-chain.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ ringTimeoutMs: 400 });
  for (const name of ['alice', 'bob', 'carol']) await h.addUser(name, ['Team']);
});
afterEach(async () => {
  await h.close();
});

/** Every secret the session handed out or sent, to look for afterwards. */
const secrets = new Set<string>();
const marker = () => {
  const value = randomBytes(12).toString('hex');
  secrets.add(value);
  return value;
};
/** An SDP whose every line is recognisable. */
const sdp = <T extends 'offer' | 'answer'>(type: T) => {
  const text = `v=0\r\no=- ${marker()} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:${marker()}\r\na=ice-pwd:${marker()}\r\n`;
  secrets.add(text);
  return { type, sdp: text };
};
const candidate = () => {
  const text = `candidate:${marker()} 1 udp 2122260223 127.0.0.1 50000 typ host ufrag ${marker()}`;
  secrets.add(text);
  return { candidate: text, sdpMid: '0', sdpMLineIndex: 0 };
};
const remember = (client: Client): Client => {
  secrets.add(client.tokens.accessToken);
  if (client.tokens.refreshToken) secrets.add(client.tokens.refreshToken);
  return client;
};
const ok = (ack: Ack) => {
  expect(ack).toMatchObject({ ok: true });
};

async function post(path: string, body: unknown, token?: string) {
  const res = await h.post(path, body, token);
  for (const key of ['accessToken', 'refreshToken']) {
    const value = (res.body as Record<string, unknown> | undefined)?.[key];
    if (typeof value === 'string') secrets.add(value);
  }
  return res;
}

async function recordingState(from: Client, to: Client, callId: string, state: string) {
  ok(await from.send('recording-state', { to: to.userId, callId, state }));
  await to.next('recording-state');
}

describe('the audit trail of a whole session', () => {
  it('holds every event, verifies, and holds no secret', async () => {
    secrets.add(PASSWORD);
    const wrong = `wrong-${marker()}`;
    secrets.add(wrong);
    // Failed sign-ins (a wrong password, an unknown name), a refused refresh.
    expect((await post('/api/auth/login', { username: 'alice', password: wrong })).status).toBe(
      401,
    );
    expect((await post('/api/auth/login', { username: 'nobody', password: wrong })).status).toBe(
      401,
    );
    const spare = await post('/api/auth/login', { username: 'bob', password: PASSWORD });
    const spareRefresh = (spare.body as { refreshToken: string }).refreshToken;
    expect((await post('/api/auth/refresh', { refreshToken: spareRefresh })).status).toBe(200);
    expect((await post('/api/auth/refresh', { refreshToken: spareRefresh })).status).toBe(401);

    const [alice, bob, carol] = (
      await Promise.all(['alice', 'bob', 'carol'].map((n) => h.connect(n)))
    ).map(remember) as [Client, Client, Client];

    // A recorded call: offer, answer, candidates, consent, receipts, a third joining, renegotiation.
    const id = callIdOf(await alice.send('call-offer', { to: bob.userId, offer: sdp('offer') }));
    await bob.next('call-offer');
    ok(await bob.send('call-answer', { to: alice.userId, callId: id, answer: sdp('answer') }));
    await alice.next('call-answer');
    ok(await alice.send('ice-candidate', { to: bob.userId, callId: id, candidate: candidate() }));
    ok(await bob.send('ice-candidate', { to: alice.userId, callId: id, candidate: candidate() }));
    await recordingState(alice, bob, id, 'consent-requested');
    await recordingState(bob, alice, id, 'consent-granted');
    await recordingState(alice, bob, id, 'started');
    const recordingId = `rec-${randomBytes(9).toString('hex')}`;
    const start = await post(
      RECEIPT_PATHS.receipts,
      { phase: 'start', callId: id, recordingId },
      alice.tokens.accessToken,
    );
    expect(start.status).toBe(201);
    ok(await alice.send('call-invite', { to: carol.userId, callId: id }));
    await carol.next('call-invite');
    ok(await carol.send('call-join', { to: alice.userId, callId: id }));
    ok(
      await carol.send('call-renegotiate', {
        to: alice.userId,
        callId: id,
        description: sdp('offer'),
      }),
    );
    ok(
      await alice.send('call-renegotiate', {
        to: carol.userId,
        callId: id,
        description: sdp('answer'),
      }),
    );
    await recordingState(alice, carol, id, 'consent-requested');
    await recordingState(carol, alice, id, 'consent-denied');
    await recordingState(alice, bob, id, 'stopped');
    const stop = await post(
      RECEIPT_PATHS.receipts,
      {
        phase: 'stop',
        callId: id,
        recordingId,
        bytes: 1000,
        sha256: 'a'.repeat(64),
        chainHead: 'b'.repeat(64),
        startedAt: new Date(Date.now() - 5_000).toISOString(),
        endedAt: new Date().toISOString(),
      },
      alice.tokens.accessToken,
    );
    expect(stop.status).toBe(201);
    ok(await carol.send('end-call', { to: alice.userId, callId: id }));
    ok(await bob.send('end-call', { to: alice.userId, callId: id }));
    await alice.next('end-call');

    // Declined, cancelled, busy and missed calls.
    const declined = callIdOf(
      await bob.send('call-offer', { to: carol.userId, offer: sdp('offer') }),
    );
    await carol.next('call-offer');
    ok(await carol.send('call-decline', { to: bob.userId, callId: declined }));
    await bob.next('call-decline');
    const cancelled = callIdOf(
      await alice.send('call-offer', { to: bob.userId, offer: sdp('offer') }),
    );
    await bob.next('call-offer');
    ok(await carol.send('call-offer', { to: bob.userId, offer: sdp('offer') })); // bob rings: busy
    await carol.next('call-busy');
    ok(await alice.send('call-cancel', { to: bob.userId, callId: cancelled }));
    callIdOf(await carol.send('call-offer', { to: alice.userId, offer: sdp('offer') }));
    await carol.next('call-missed', 3_000);

    // Guests: one admitted and called, one denied, one who leaves the lobby.
    const admitted = await guestAtTheDoor(h, alice, 'Pat Guest');
    const denied = await guestAtTheDoor(h, alice, 'Dan Guest');
    const leaving = await guestAtTheDoor(h, alice, 'Lee Guest');
    for (const g of [admitted, denied, leaving]) {
      secrets.add(g.link.token);
      secrets.add(g.knocked.guestToken);
    }
    ok(await alice.send('guest-admit', { guestId: admitted.guest.userId }));
    await admitted.guest.next('guest-admitted');
    const guestCall = await connectCall(alice, admitted.guest);
    ok(await admitted.guest.send('end-call', { to: alice.userId, callId: guestCall }));
    ok(await alice.send('guest-deny', { guestId: denied.guest.userId }));
    await denied.guest.next('guest-refused');
    leaving.guest.socket.disconnect();
    for (;;) {
      const gone = await alice.next<{ guestId: string }>('guest-gone');
      if (gone.guestId === leaving.guest.userId) break;
    }

    // Sign-out.
    expect(
      (await post('/api/auth/logout', { refreshToken: alice.tokens.refreshToken })).status,
    ).toBe(200);

    await h.audit.flush();
    const records: AuditRecord[] = await h.audit.store.page({ afterSeq: 0, limit: 10_000 });
    console.log(
      `[audit] a whole session (sign-ins, 5 calls, a meeting, recording, 3 guests, sign-out) made ${records.length} audit records`,
    );

    const types = new Set(records.map((r) => r.type));
    for (const type of [
      'auth.sign-in',
      'auth.sign-in-failed',
      'auth.refresh-refused',
      'auth.sign-out',
      'call.rang',
      'call.answered',
      'call.invited',
      'call.joined',
      'call.declined',
      'call.cancelled',
      'call.busy',
      'call.missed',
      'call.left',
      'call.ended',
      'guest.knocked',
      'guest.admitted',
      'guest.denied',
      'guest.left',
      'recording.started',
      'recording.stopped',
      'recording.consent-requested',
      'recording.consent-granted',
      'recording.consent-refused',
      'recording.start-receipt',
      'recording.stop-receipt',
    ]) {
      expect(types, type).toContain(type);
    }
    const of = (type: string) => records.filter((r) => r.type === type);
    expect(of('auth.sign-in-failed').map((r) => r.fields)).toEqual([
      { username: 'alice', address: '127.0.0.1', reason: 'bad-credentials' },
      { username: 'nobody', address: '127.0.0.1', reason: 'bad-credentials' },
    ]);
    expect(of('auth.sign-in-failed').map((r) => r.actor)).toEqual([alice.userId, 'anonymous']);
    expect(of('auth.sign-out')).toEqual([expect.objectContaining({ actor: alice.userId })]);
    expect(of('recording.consent-refused')).toEqual([
      expect.objectContaining({ actor: carol.userId, fields: { callId: id, to: alice.userId } }),
    ]);
    const ended = of('call.ended').find((r) => r.fields.callId === id);
    expect(ended?.fields).toMatchObject({
      reason: 'hung-up',
      seconds: expect.any(Number) as number,
    });
    expect(ended?.fields.participants).toEqual([
      { userId: alice.userId, displayName: 'Alice Tester', state: 'joined' },
      { userId: bob.userId, displayName: 'Bob Tester', state: 'joined' },
    ]);
    expect(of('call.missed').at(-1)).toMatchObject({
      actor: 'server',
      fields: { userId: alice.userId, reason: 'missed' },
    });
    expect(of('guest.denied')[0]).toMatchObject({
      actor: alice.userId,
      fields: { name: 'Dan Guest', reason: 'denied' },
    });
    expect(
      of('call.answered').some((r) => r.fields.guest === true && r.actor === admitted.guest.userId),
    ).toBe(true);

    expect(await verifyChain(h.audit.store)).toMatchObject({ ok: true, count: records.length });

    // Not one secret, in any column of either table, in any form the database holds.
    const dump = JSON.stringify([
      await h.sql('SELECT * FROM audit_records'),
      await h.sql('SELECT * FROM audit_head'),
    ]);
    const escaped = (s: string) => JSON.stringify(s).slice(1, -1);
    expect(secrets.size).toBeGreaterThan(30);
    for (const secret of secrets) {
      expect(dump.includes(secret) || dump.includes(escaped(secret)), secret.slice(0, 40)).toBe(
        false,
      );
      // A token's body without its signature, or an SDP line on its own, would leak too.
      for (const part of secret.split(/[.\r\n]+/).filter((p) => p.length >= 16)) {
        expect(dump.includes(part), part.slice(0, 40)).toBe(false);
      }
    }
  });
});
