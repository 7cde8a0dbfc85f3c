/**
 * Main's real services on a firm's network: the real server over TLS with a certificate from a
 * private CA (made with openssl), a real HTTP proxy (tinyproxy) in front of it, and the real
 * keychain. The "system proxy settings" and the "OS trust store" are the injected stand-ins; the
 * socket's route is main's own proxy-agent.ts, as in the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import keytar from 'keytar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { firmNetwork, type FirmNetworkOptions } from '../../e2e/host/firm-network.ts';
import { namespacedKeychain } from '../../e2e/host/namespaced-keychain.ts';
import { startTinyproxy, type Tinyproxy } from '../../e2e/host/tinyproxy.ts';
import { freePort } from '../../server/testing/free-port.ts';
import { PASSWORD, sleep, startHarness, type Harness } from '../../server/testing/harness.ts';
import { makeTestPki, type TestPki } from '../../server/testing/test-pki.ts';
import { createEventSink } from '../ipc/event-sink.ts';
import { createSocketTransport, type SocketTransportFor } from './proxy-agent.ts';
import { createProxyLogin, type ProxyChallenge, type ProxyCredentials } from './proxy-login.ts';
import { createServices, type Services } from '../services.ts';
import { settingsStoreOptions } from '../settings/store-options.ts';
import { PROXY_SIGN_IN_NEEDED, UNTRUSTED_CERTIFICATE } from './connection-errors.ts';

let pki: TestPki;
let h: Harness;
let proxy: Tinyproxy;
let serverHostPort: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  h = await startHarness({
    tls: { certFile: pki.certFile, keyFile: pki.keyFile },
    accessTtlSeconds: 600,
  });
  serverHostPort = new URL(h.url).host;
  await h.addUser('alice', ['Team']);
  proxy = await startTinyproxy();
});
afterAll(async () => {
  await proxy.stop();
  await h.close();
  pki.remove();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

/** Main's services with this network (socketTransport, if given, replaces the network's). */
function launch(network: FirmNetworkOptions, socketTransport?: SocketTransportFor): Services {
  const folder = mkdtempSync(join(tmpdir(), 'rr-firm-'));
  const net = firmNetwork(network);
  const services = createServices({
    trustedOrigin: 'app://advisor',
    store: new Conf(settingsStoreOptions({ cwd: join(folder, 'settings'), documentsDir: folder })),
    keychain: namespacedKeychain(keytar, folder),
    policyFile: join(folder, 'absent-policy.json'),
    documentsDir: folder,
    appVersion: '0.0.0-test',
    sink: createEventSink(() => undefined),
    chooseFolder: () => Promise.resolve(null),
    revealFile: () => undefined,
    writeClipboard: () => undefined,
    fetch: net.fetch,
    socketTransport: socketTransport ?? net.socketTransport,
  });
  cleanups.push(async () => {
    await services.session.signOut().catch(() => undefined);
    await services.dispose();
    await net.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return services;
}

const signIn = (services: Services) =>
  services.session.signIn({ serverUrl: h.url, username: 'alice', password: PASSWORD });

describe('behind an HTTP proxy', () => {
  it('signs in, holds the socket and refreshes through the proxy', async () => {
    const services = launch({ pac: proxy.pac, extraCas: [pki.caCert] });
    const before = proxy.connectsTo(serverHostPort);

    await signIn(services);
    const afterSignIn = proxy.connectsTo(serverHostPort);
    expect(afterSignIn).toBeGreaterThan(before);
    // The session connects the socket on sign-in: one more tunnel, for the WebSocket.
    await until(
      () => services.signaling.state().status,
      (s) => s === 'online',
    );
    expect(proxy.connectsTo(serverHostPort)).toBeGreaterThan(afterSignIn);

    const token = await services.session.refresh();
    expect(token).toMatch(/^ey/);
    expect(services.session.state().status).toBe('signed-in');
    // The socket lives on with the renewed token (its server answers a signal again).
    const ack = await services.signaling.send({ event: 'end-call', payload: { to: 'nobody' } });
    expect(ack).toHaveProperty('ok');
  });

  it('follows the route it is given: a dead proxy fails although the server is up', async () => {
    const deadProxy = `PROXY 127.0.0.1:${await freePort()}`;
    const blocked = launch({ pac: deadProxy, extraCas: [pki.caCert] });
    await expect(signIn(blocked)).rejects.toThrow(`Cannot reach the server at ${h.url}`);
    blocked.signaling.connect(h.url);
    await until(
      () => blocked.signaling.state().message,
      (m) => m === 'Cannot reach the server; retrying…',
    );
    expect(blocked.signaling.state().status).not.toBe('online');

    // The same server, told to go direct, is there: only the route differed.
    const direct = launch({ pac: 'DIRECT', extraCas: [pki.caCert] });
    await expect(signIn(direct)).resolves.toMatchObject({ status: 'signed-in' });
  });
});

describe("a server certificate from the firm's private CA", () => {
  it('is refused with a sentence for IT when the CA is not in the trust store', async () => {
    const services = launch({ pac: proxy.pac });
    await expect(signIn(services)).rejects.toThrow(UNTRUSTED_CERTIFICATE);
    expect(services.session.state()).toMatchObject({
      status: 'signed-out',
      message: UNTRUSTED_CERTIFICATE,
    });
    services.signaling.connect(h.url);
    await until(
      () => services.signaling.state().message,
      (m) => m === UNTRUSTED_CERTIFICATE,
    );
  });

  it('works once the CA is in the trust store', async () => {
    const services = launch({ pac: proxy.pac, extraCas: [pki.caCert] });
    await expect(signIn(services)).resolves.toMatchObject({ status: 'signed-in' });
    await until(
      () => services.signaling.state().status,
      (s) => s === 'online',
    );
  });
});

describe('a proxy that asks for a sign-in (Basic)', () => {
  const RIGHT = { username: 'advisor', password: 'proxy-pass-1' };
  let authProxy: Tinyproxy;
  beforeAll(async () => {
    authProxy = await startTinyproxy({ basicAuth: RIGHT });
  });
  afterAll(async () => {
    await authProxy.stop();
  });

  /** Signed in (REST direct), with the socket's route through the proxy that wants a sign-in. */
  async function socketBehindAuthProxy(answers: (ProxyCredentials | null)[]) {
    const asked: ProxyChallenge[] = [];
    const proxyLogin = createProxyLogin({
      ask: (challenge) => {
        asked.push(challenge);
        return Promise.resolve(answers.shift() ?? null);
      },
    });
    const socketTransport = createSocketTransport({
      resolveProxy: () => Promise.resolve(authProxy.pac),
      trustedCertificates: () => [pki.caCert],
      proxyLogin,
    });
    const services = launch({ pac: 'DIRECT', extraCas: [pki.caCert] }, socketTransport);
    await signIn(services);
    return { services, asked, proxyLogin };
  }

  it('asks the advisor, connects with what they typed, and asks again after a wrong answer', async () => {
    const wrong = { username: 'advisor', password: 'typo' };
    const { services, asked, proxyLogin } = await socketBehindAuthProxy([wrong, RIGHT]);
    await until(
      () => services.signaling.state().status,
      (s) => s === 'online',
      15_000,
    );
    expect(asked).toEqual([
      { host: '127.0.0.1', port: authProxy.port, realm: '', retry: false },
      { host: '127.0.0.1', port: authProxy.port, realm: '', retry: true },
    ]);
    expect(proxyLogin.credentialsFor('127.0.0.1', authProxy.port)).toEqual(RIGHT);
    expect(authProxy.connectsTo(serverHostPort)).toBeGreaterThanOrEqual(3);
  });

  it('a cancelled prompt is not shown again at every reconnect, and the status says why', async () => {
    const { services, asked } = await socketBehindAuthProxy([null]);
    await until(
      () => services.signaling.state(),
      (state) => state.attempt >= 3 && state.message === PROXY_SIGN_IN_NEEDED,
      15_000,
    );
    expect(asked).toHaveLength(1);
    expect(services.signaling.state().status).not.toBe('online');
  });
});
