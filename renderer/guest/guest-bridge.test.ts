/**
 * The guest bridge against the real server (real SQLite, real sockets): an advisor makes a link,
 * a guest knocks with it, and the bridge carries the guest through the lobby and the ring.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knockResponseSchema, type KnockResponse } from '../../shared/protocol/guest.ts';
import { startHarness, type Client, type Harness } from '../../server/testing/harness.ts';
import type { ConnectionState, IncomingSignal } from '../../shared/bridge/contract.ts';
import { createGuestBridge, type GuestBridge, type GuestSignal } from './guest-bridge.ts';
import { REQUEST_EXPIRED, SERVER_ENDED } from './guest-connection.ts';

const OFFER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

let server: Harness;
let avery: Client;
const bridges: GuestBridge[] = [];

beforeEach(async () => {
  server = await startHarness();
  await server.addUser('avery', ['Team']);
  avery = await server.connect('avery');
});
afterEach(async () => {
  for (const bridge of bridges.splice(0)) bridge.close();
  await server.close();
});

async function knock(name = 'Gina Guest'): Promise<KnockResponse> {
  const link = await server.post('/api/guest-links', {}, avery.tokens.accessToken);
  expect(link.status).toBe(201);
  const { token } = link.body as { token: string };
  const knocked = await server.post('/api/guest/knock', { token, name });
  expect(knocked.status).toBe(200);
  return knockResponseSchema.parse(knocked.body);
}

function open(response: KnockResponse, name = 'Gina Guest'): GuestBridge {
  const bridge = createGuestBridge({
    origin: server.url,
    guest: { guestId: response.guestId, guestToken: response.guestToken, name },
  });
  bridges.push(bridge);
  return bridge;
}

/** Resolves with the next value a subscription gives that passes `match`. */
function next<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  match: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      if (!match(value)) return;
      off();
      resolve(value);
    });
  });
}

/** The bridge's next connection state of this status. */
const becomes = (bridge: GuestBridge, status: ConnectionState['status']) =>
  next<ConnectionState>(
    (l) => bridge.on('signal:connection', l),
    (state) => state.status === status,
  );
const online = async (bridge: GuestBridge) => {
  if (bridge.connection().status !== 'online') await becomes(bridge, 'online');
};

describe('the guest bridge', () => {
  it('waits in the lobby, is admitted, hears the ring, and says who the guest is', async () => {
    const response = await knock();
    const bridge = open(response);
    const waiting = await avery.next<{ guestId: string; name: string }>('guest-waiting');
    expect(waiting).toEqual({ guestId: response.guestId, name: 'Gina Guest' });
    await online(bridge);

    const admitted = next<GuestSignal>((l) => bridge.onGuest(l));
    expect(await avery.send('guest-admit', { guestId: response.guestId })).toEqual({ ok: true });
    expect(await admitted).toEqual({
      event: 'guest-admitted',
      payload: { advisorId: avery.userId, advisorName: 'Avery Tester' },
    });

    const rung = next<IncomingSignal>(
      (l) => bridge.on('signal:event', l),
      (s) => s.event === 'call-offer',
    );
    const ring = await avery.send('call-offer', {
      to: response.guestId,
      callId: 'guest-call-1',
      offer: { type: 'offer', sdp: OFFER_SDP },
    });
    expect(ring.ok).toBe(true);
    expect(await rung).toMatchObject({
      event: 'call-offer',
      payload: { from: avery.userId, callId: 'guest-call-1', fromName: 'Avery Tester' },
    });

    // The guest's own messages: the server's ack comes back as the result's value.
    const declined = await bridge.signal.send({
      event: 'call-decline',
      payload: { to: avery.userId, callId: 'guest-call-1' },
    });
    expect(declined).toMatchObject({ ok: true, value: { ok: true } });

    expect(await bridge.session.get()).toEqual({
      ok: true,
      value: {
        status: 'signed-in',
        serverUrl: server.url,
        user: { id: response.guestId, username: 'guest', displayName: 'Gina Guest' },
        message: null,
      },
    });
    const ice = await bridge.directory.iceServers();
    expect(ice.ok && Array.isArray(ice.value.iceServers)).toBe(true);
  });

  it('is told when the advisor turns the guest away, and then the server ends the socket', async () => {
    const response = await knock();
    const bridge = open(response);
    await avery.next('guest-waiting');
    await online(bridge);
    const refused = next<GuestSignal>((l) => bridge.onGuest(l));
    const ended = becomes(bridge, 'auth-failed');
    expect(await avery.send('guest-deny', { guestId: response.guestId })).toEqual({ ok: true });
    expect(await refused).toEqual({
      event: 'guest-refused',
      payload: {
        reason: 'denied',
        message: 'The advisor did not let you in to this meeting.',
      },
    });
    expect((await ended).message).toBe(SERVER_ENDED);
    const after = await bridge.signal.send({
      event: 'call-decline',
      payload: { to: avery.userId, callId: 'guest-call-1' },
    });
    expect(after).toMatchObject({ ok: false, error: { code: 'server-unreachable' } });
  });

  it('refuses to record, and to send what the protocol does not allow, without asking the server', async () => {
    const bridge = open(await knock());
    await online(bridge);
    for (const result of [
      await bridge.recording.start({ callId: 'guest-call-1', participants: [], mimeType: 'x' }),
      await bridge.recording.append('rec_12345678', new Uint8Array(1)),
      await bridge.recording.stop('rec_12345678'),
    ]) {
      expect(result).toEqual({
        ok: false,
        error: { code: 'recording-disabled', message: 'Guests cannot record.' },
      });
    }
    const invalid = await bridge.signal.send({
      event: 'call-decline',
      payload: { to: 'not a user id!', callId: 'guest-call-1' },
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it('says plainly that a token the server does not accept means knocking again', async () => {
    const bridge = createGuestBridge({
      origin: server.url,
      guest: { guestId: 'guest-AAAAAAAAAAAAAAAAAAAAAA', guestToken: 'not-a-token', name: 'Gina' },
    });
    bridges.push(bridge);
    const refused = await becomes(bridge, 'auth-failed');
    expect(refused.message).toBe(REQUEST_EXPIRED);
    expect(await bridge.signal.status()).toEqual({ ok: true, value: refused });
  });
});
