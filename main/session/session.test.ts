/**
 * Session and signaling in main against the real server (random loopback port, real SQLite) and
 * the real keychain (gnome-keyring in a private D-Bus session).
 */
import keytar from 'keytar';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ConnectionState,
  IncomingSignal,
  SessionState,
} from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { circlesResponseSchema } from '../../shared/protocol/rest.ts';
import {
  PASSWORD,
  fakeSdp,
  sleep,
  startHarness,
  type Harness,
} from '../../server/testing/harness.ts';
import { createKeychainVault, serviceFor } from '../auth/vault.ts';
import { createSignaling, type Signaling } from '../signaling/connection.ts';
import { HTTPS_ONLY_MESSAGE } from '../settings/server-url-rule.ts';
import { createSession, type Session } from './session.ts';

const vault = createKeychainVault(keytar);
let h: Harness;
let savedUrl = '';
const made: { session: Session; signaling: Signaling }[] = [];

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

function makeApp() {
  const states: SessionState[] = [];
  const connection: ConnectionState[] = [];
  const signals: IncomingSignal[] = [];
  const session = createSession({
    vault,
    fetch,
    serverUrl: () => savedUrl,
    rememberServerUrl: (url) => {
      savedUrl = url;
    },
    onChange: (state) => states.push(state),
  });
  const signaling = createSignaling({
    session,
    io,
    onState: (state) => connection.push(state),
    onEvent: (signal) => signals.push(signal),
    reconnectDelayMs: 100,
    reconnectDelayMaxMs: 400,
  });
  made.push({ session, signaling });
  return {
    session,
    signaling,
    states,
    connection,
    signals,
    status: () => connection.at(-1)?.status ?? 'offline',
  };
}

beforeEach(async () => {
  h = await startHarness({ accessTtlSeconds: 600 });
  await h.addUser('alice', ['Team']);
  await h.addUser('bob', ['Team']);
  savedUrl = '';
});
afterEach(async () => {
  for (const { session, signaling } of made.splice(0)) {
    signaling.disconnect();
    session.dispose();
  }
  await vault.clear(h.url);
  await h.close();
});

describe('session', () => {
  it('signs in: tokens go to the keychain, the state carries only the profile', async () => {
    const app = makeApp();
    const state = await app.session.signIn({
      serverUrl: h.url,
      username: 'Alice ',
      password: PASSWORD,
    });
    expect(state).toEqual({
      status: 'signed-in',
      serverUrl: h.url,
      user: expect.objectContaining({ username: 'alice' }),
      message: null,
    });
    expect(app.states.map((s) => s.status)).toEqual(['signing-in', 'signed-in']);
    expect(JSON.stringify(app.states)).not.toMatch(/eyJ/); // no JWT in anything the renderer sees
    const stored = await vault.read(h.url);
    expect(stored?.accessToken).toMatch(/^eyJ/);
    expect(savedUrl).toBe(h.url);
  });

  it('refuses a wrong password and an unreachable server with clear errors, storing nothing', async () => {
    const app = makeApp();
    await expect(
      app.session.signIn({ serverUrl: h.url, username: 'alice', password: 'wrong-one' }),
    ).rejects.toMatchObject({
      code: 'bad-credentials',
      message: 'Wrong username or password.',
    });
    await expect(
      app.session.signIn({
        serverUrl: 'http://127.0.0.1:9',
        username: 'alice',
        password: PASSWORD,
      }),
    ).rejects.toMatchObject({
      code: 'server-unreachable',
      message: expect.stringContaining('Cannot reach the server at http://127.0.0.1:9'),
    });
    expect(app.session.state()).toMatchObject({
      status: 'signed-out',
      message: expect.stringContaining('Cannot reach'),
    });
    expect(await keytar.findCredentials(serviceFor(h.url))).toEqual([]);
  });

  it('refuses an http:// server before sending anything, saying why', async () => {
    const asked: string[] = [];
    // Nothing may leave this computer even if the rule broke: only loopback is passed on.
    const loopbackOnly: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      asked.push(url);
      return new URL(url).hostname === '127.0.0.1'
        ? fetch(input, init)
        : Promise.reject(new Error('not loopback'));
    };
    const make = (allowLoopbackHttp: boolean) =>
      createSession({
        vault,
        fetch: loopbackOnly,
        serverUrl: () => savedUrl,
        rememberServerUrl: (url) => {
          savedUrl = url;
        },
        serverUrlRule: { allowLoopbackHttp },
        onChange: () => undefined,
      });

    const unpackaged = make(true);
    const refused = unpackaged.signIn({
      serverUrl: 'http://firm.example',
      username: 'alice',
      password: PASSWORD,
    });
    await expect(refused).rejects.toThrow(HTTPS_ONLY_MESSAGE);
    expect(unpackaged.state()).toEqual({
      status: 'signed-out',
      serverUrl: 'http://firm.example',
      user: null,
      message: HTTPS_ONLY_MESSAGE,
    });
    expect(asked).toEqual([]);
    // The test server on loopback is fine in an unpackaged build...
    await expect(
      unpackaged.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD }),
    ).resolves.toMatchObject({ status: 'signed-in' });
    unpackaged.dispose();

    // ...and refused by a packaged one, which also will not resume a session stored for it.
    const packaged = make(false);
    await expect(
      packaged.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD }),
    ).rejects.toThrow(HTTPS_ONLY_MESSAGE);
    asked.length = 0;
    await expect(packaged.resume()).resolves.toMatchObject({
      status: 'signed-out',
      message: HTTPS_ONLY_MESSAGE,
    });
    expect(asked).toEqual([]);
    expect(await vault.read(h.url)).not.toBeNull(); // left alone, not sent anywhere
    packaged.dispose();
  });

  it('resumes after a restart from the stored refresh token, rotating it', async () => {
    const first = makeApp();
    await first.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    const before = await vault.read(h.url);
    first.session.dispose();

    const second = makeApp();
    const state = await second.session.resume();
    expect(state).toMatchObject({ status: 'signed-in', user: { username: 'alice' } });
    const after = await vault.read(h.url);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    // The old refresh token is dead on the server.
    expect((await h.post('/api/auth/refresh', { refreshToken: before?.refreshToken })).status).toBe(
      401,
    );
    const circles = await second.session.get('/api/circles', circlesResponseSchema);
    expect(circles.circles[0]?.members.map((m) => m.username)).toEqual(['alice', 'bob']);
  });

  it('an expired session says so and clears the keychain', async () => {
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    await h.store.setDisabled('alice', true);
    const fresh = makeApp();
    const state = await fresh.session.resume();
    expect(state).toMatchObject({
      status: 'expired',
      message: 'Your session has ended. Please sign in again.',
    });
    expect(await vault.read(h.url)).toBeNull();
  });

  it('signs out: revoked on the server and removed from the keychain', async () => {
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    const stored = await vault.read(h.url);
    const state = await app.session.signOut();
    expect(state).toMatchObject({ status: 'signed-out', user: null });
    expect(await vault.read(h.url)).toBeNull();
    expect((await h.post('/api/auth/refresh', { refreshToken: stored?.refreshToken })).status).toBe(
      401,
    );
    await expect(app.session.accessToken()).rejects.toBeInstanceOf(BridgeFailure);
  });
});

describe('signaling in main', () => {
  it('connects with the session token, relays validated events both ways', async () => {
    const alice = makeApp();
    const bob = makeApp();
    await alice.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    alice.signaling.connect(h.url);
    await until(alice.status, (s) => s === 'online');
    await vault.clear(h.url); // bob signs in on "another machine": keep one entry per server
    await bob.session.signIn({ serverUrl: h.url, username: 'bob', password: PASSWORD });
    bob.signaling.connect(h.url);
    await until(bob.status, (s) => s === 'online');
    const bobId = bob.session.state().user!.id;
    const ack = await alice.signaling.send({
      event: 'call-offer',
      payload: { to: bobId, offer: fakeSdp('offer') },
    });
    expect(ack).toMatchObject({ ok: true });
    const offer = await until(() => bob.signals.find((s) => s.event === 'call-offer'), Boolean);
    expect(offer?.payload).toMatchObject({
      from: alice.session.state().user!.id,
      fromName: 'Alice Tester',
    });
  });

  it('outlives the access token: renews it on the live socket before expiry', async () => {
    await h.close();
    h = await startHarness({ accessTtlSeconds: 5 });
    await h.addUser('alice', ['Team']);
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    app.signaling.connect(h.url);
    await until(app.status, (s) => s === 'online');
    // A 5 s token is refreshed every second or so and renewed on the live socket; without the
    // renewal the server would end this socket 5 s after it connected.
    const first = (await vault.read(h.url))?.accessToken;
    await sleep(7_000);
    const second = (await vault.read(h.url))?.accessToken;
    expect(second).not.toBe(first);
    expect(app.status()).toBe('online');
    expect(app.connection.filter((c) => c.status === 'reconnecting')).toEqual([]);
  });

  it('server down → reconnecting, back → online, with the same session', async () => {
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    app.signaling.connect(h.url);
    await until(app.status, (s) => s === 'online');
    await h.stop();
    await until(app.status, (s) => s === 'reconnecting');
    await expect(
      app.signaling.send({ event: 'end-call', payload: { to: 'someone' } }),
    ).rejects.toMatchObject({ code: 'server-unreachable' });
    await h.restart();
    await until(app.status, (s) => s === 'online', 10_000);
    const ack = await app.signaling.send({ event: 'end-call', payload: { to: 'someone' } });
    expect(ack).toMatchObject({ ok: false, error: { code: 'no-such-call' } });
  });

  it('a disabled account ends in auth-failed, not an endless loop', async () => {
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    await h.store.setDisabled('alice', true);
    app.signaling.connect(h.url);
    await until(app.status, (s) => s === 'auth-failed');
    expect(app.connection.at(-1)?.message).toMatch(/disabled/);
  });

  it("disabled while connected: auth-failed with the server's sentence, and no reconnecting", async () => {
    const app = makeApp();
    await app.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });
    app.signaling.connect(h.url);
    await until(app.status, (s) => s === 'online');
    await h.store.setDisabled('alice', true);
    await until(app.status, (s) => s === 'auth-failed');
    expect(app.connection.at(-1)?.message).toMatch(/disabled/i);
    expect(app.signals.map((signal) => signal.event)).toContain('account-disabled');
    const seen = app.connection.length;
    await sleep(1_500); // longer than a reconnect attempt would take
    expect(app.connection.slice(seen).map((state) => state.status)).toEqual([]);
  });
});
