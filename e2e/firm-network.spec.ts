/**
 * A call on a firm's network: the server reachable only through the firm's HTTP proxy (a real
 * tinyproxy) with a certificate from the firm's private CA, and media relayed by the firm's TURN
 * server over TLS only (coturn's TLS listener, relay-only, as IT's policy sets it for a firewall
 * that passes nothing but TLS). Main's REST and socket go through the proxy with the private CA in
 * the "OS trust store" stand-in; Chromium trusts the TURN server's certificate through
 * --ignore-certificate-errors-spki-list, for this test's browser only.
 */
import { createHmac } from 'node:crypto';
import { makeTestPki, type TestPki } from '../server/testing/test-pki.ts';
import { averyCallsBlake, expect, test as base } from './fixtures.ts';
import { waitForDecodedFrames } from './media.ts';
import { startCoturn, type Coturn } from './host/coturn.ts';
import { firmNetwork, type FirmNetwork } from './host/firm-network.ts';
import { startTinyproxy, type Tinyproxy } from './host/tinyproxy.ts';

const SECRET = 'firm-turn-secret-5678';

interface Firm {
  pki: TestPki;
  proxy: Tinyproxy;
  coturn: Coturn;
}

const test = base.extend<{ throughTheProxy: () => FirmNetwork }, { firm: Firm }>({
  // The firm's CA, proxy and TLS relay, made once per worker, before its browser starts.
  firm: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies by destructuring
    async ({}, use) => {
      const pki = makeTestPki();
      const proxy = await startTinyproxy();
      const coturn = await startCoturn(SECRET, {
        tls: { certFile: pki.certFile, keyFile: pki.keyFile },
      });
      await use({ pki, proxy, coturn });
      await coturn.stop();
      await proxy.stop();
      pki.remove();
    },
    { scope: 'worker' },
  ],
  // Chromium takes the relay key's pin as a launch flag: this spec's browser only.
  launchOptions: [
    async ({ launchOptions, firm }, use) => {
      await use({
        ...launchOptions,
        args: [
          ...(launchOptions.args ?? []),
          `--ignore-certificate-errors-spki-list=${firm.pki.serverSpki}`,
        ],
      });
    },
    { scope: 'worker' },
  ],
  serverConfig: async ({ firm }, use) => {
    await use({ tls: { certFile: firm.pki.certFile, keyFile: firm.pki.keyFile } });
  },
  throughTheProxy: async ({ firm }, use) => {
    const made: FirmNetwork[] = [];
    await use(() => {
      const network = firmNetwork({ pac: firm.proxy.pac, extraCas: [firm.pki.caCert] });
      made.push(network);
      return network;
    });
    for (const network of made) await network.close();
  },
});

/** IT's policy: only the TLS relay, only relayed media (credentials in the TURN REST scheme). */
function relayOverTlsPolicy(coturn: Coturn): unknown {
  const username = `${Math.floor(Date.now() / 1000) + 3600}:firm-test`;
  return {
    iceServers: [
      {
        urls: coturn.tlsUrl,
        username,
        credential: createHmac('sha1', SECRET).update(username).digest('base64'),
      },
    ],
    iceTransportPolicy: 'relay',
  };
}

test('a relay-only call over TURN/TLS, with sign-in and signaling through the proxy', async ({
  app,
  server,
  firm,
  throughTheProxy,
}) => {
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
  const serverHostPort = new URL(server.url).host;
  const policy = relayOverTlsPolicy(firm.coturn);
  const avery = await app.launch('avery', { signedIn: true, policy, network: throughTheProxy() });
  const blake = await app.launch('blake', { signedIn: true, policy, network: throughTheProxy() });
  await averyCallsBlake(avery, blake);
  await waitForDecodedFrames(avery.page, "Blake Tester's video", 10);
  await waitForDecodedFrames(blake.page, "Avery Tester's video", 10);
  for (const advisor of [avery, blake]) {
    expect(await advisor.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });
    const protocol = await advisor.page.evaluate(async () => {
      const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] })
        .__peerConnections;
      const stats = await (pcs.at(-1) as RTCPeerConnection).getStats();
      let relayProtocol = '';
      stats.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
        if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
        const pair = stats.get(s.selectedCandidatePairId) as { localCandidateId: string };
        relayProtocol =
          (stats.get(pair.localCandidateId) as { relayProtocol?: string }).relayProtocol ?? '';
      });
      return relayProtocol;
    });
    expect(protocol).toBe('tls');
  }
  // Every advisor's sign-in and socket went through the proxy (each opens at least two tunnels).
  expect(firm.proxy.connectsTo(serverHostPort)).toBeGreaterThanOrEqual(4);
});
