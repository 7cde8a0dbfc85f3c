/**
 * Which browser origins may open a socket: none (the desktop app sends no Origin), those IT
 * allowed, and the server's own (the guest page it serves); any other is refused before the
 * upgrade. Real server, real socket.io-client with the Origin and Host a browser would send.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGuest, knock, makeGuestLink } from '../testing/guests.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
let token: string;
let own: string;
beforeAll(async () => {
  h = await startHarness({ origins: ['https://allowed.example'], trustProxies: ['127.0.0.1'] });
  await h.addUser('alice', ['Team']);
  token = (await h.login('alice')).accessToken;
  own = h.url; // http://127.0.0.1:<port>, as the guest page's own origin
});
afterAll(async () => {
  await h.close();
});

/** Connects with these headers; resolves 'connected' or the refusal. */
function attempt(headers: Record<string, string>) {
  const socket = io(h.url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error.message);
    });
  });
}

describe('socket origins', () => {
  it('accepts no Origin, an allowed one, and the server own origin', async () => {
    expect(await attempt({})).toBe('connected');
    expect(await attempt({ origin: 'https://allowed.example' })).toBe('connected');
    expect(await attempt({ origin: own })).toBe('connected');
  });

  it('refuses foreign origins, including look-alikes of its own', async () => {
    const host = new URL(own).host;
    for (const origin of [
      'https://evil.example',
      `https://${host}`, // the right host by the wrong scheme: this server speaks plain HTTP here
      `http://${host}.evil.example`,
      `http://evil.example:${new URL(own).port}`,
      'null',
    ]) {
      expect(await attempt({ origin }), origin).toBe('websocket error');
    }
  });

  it('takes the scheme from X-Forwarded-Proto only from a trusted proxy', async () => {
    // This test's client is 127.0.0.1, which the server was told is its TLS proxy.
    const host = new URL(own).host;
    expect(await attempt({ origin: `https://${host}`, 'x-forwarded-proto': 'https' })).toBe(
      'connected',
    );
    const untrusted = await startHarness({ trustProxies: [] });
    await untrusted.addUser('bob', ['Team']);
    const bobToken = (await untrusted.login('bob')).accessToken;
    const socket = io(untrusted.url, {
      auth: { token: bobToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: {
        origin: `https://${new URL(untrusted.url).host}`,
        'x-forwarded-proto': 'https',
      },
    });
    const refused = await new Promise<string>((resolve) => {
      socket.once('connect', () => {
        resolve('connected');
      });
      socket.once('connect_error', (error) => {
        resolve(error.message);
      });
    });
    socket.disconnect();
    expect(refused).toBe('websocket error');
    await untrusted.close();
  });

  it('a guest page on the server own origin connects its guest socket', async () => {
    const link = await makeGuestLink(h, token);
    const knocked = await knock(h, link.token, 'Pat');
    const socket = io(h.url, {
      auth: { token: knocked.guestToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: own },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    socket.disconnect();
    expect((await connectGuest(h, knocked)).socket.connected).toBe(true);
  });
});
