/**
 * TURN through a real coturn on loopback: with the firm's relay-only setting every call goes
 * through the relay; wrong credentials end the call with a clear error, not a hang; a call that
 * outlives its TURN credentials still ICE-restarts through the relay (the app fetched new ones).
 */
import type { Harness } from '../server/testing/harness.ts';
import { averyCallsBlake, connected, expect, test, type AppFactory } from './fixtures.ts';
import { videoInfo, waitForDecodedFrames } from './media.ts';
import { startCoturn, type Coturn } from './host/coturn.ts';

const SECRET = 'turn-test-secret-1234';
let coturn: Coturn;

test.beforeAll(async () => {
  coturn = await startCoturn(SECRET);
});
test.afterAll(async () => {
  await coturn.stop();
});

/** Avery and Blake in a call through coturn, with the server handing out its credentials. */
async function connectedThroughRelay(app: AppFactory, server: Harness) {
  server.config.ice.turnUrls = [coturn.url];
  server.config.ice.turnSecret = SECRET;
  const call = await connected(app);
  expect(await call.avery.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });
  return call;
}

test.describe('through the relay', () => {
  test.use({
    serverConfig: {
      ice: { stunUrls: [], turnUrls: [], turnTtlSeconds: 600, relayOnly: true },
    },
  });

  test('relay-only: the selected pair is relay/relay and frames are decoded', async ({
    app,
    server,
  }) => {
    const { blake } = await connectedThroughRelay(app, server);
    expect(await blake.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });
  });

  test('wrong TURN credentials: a clear call error, not a hang', async ({ app, server }) => {
    server.config.ice.turnUrls = [coturn.url];
    server.config.ice.turnSecret = 'not-the-secret-coturn-knows';
    const avery = await app.launch('avery', { signedIn: true });
    const blake = await app.launch('blake', { signedIn: true });
    await averyCallsBlake(avery, blake);
    await expect(blake.page.getByRole('alert')).toContainText(
      'media connection could not be established',
      { timeout: 40_000 },
    );
    await expect(avery.page.getByRole('alert')).toContainText(/could not be established/, {
      timeout: 40_000,
    });
  });
});

test.describe('a call longer than its TURN credentials', () => {
  /** coturn refuses a relay to credentials past this lifetime; the app refreshes them at 10 s. */
  const TTL_S = 12;
  test.use({
    serverConfig: {
      ice: { stunUrls: [], turnUrls: [], turnTtlSeconds: TTL_S, relayOnly: true },
    },
  });

  test('an ICE restart after the first credentials expired still gathers a relay and media flows', async ({
    app,
    server,
  }) => {
    const { avery, blake } = await connectedThroughRelay(app, server);
    // Past the lifetime of the credentials the call started with (fetched before it connected).
    await avery.page.waitForTimeout((TTL_S + 4) * 1000);

    // Avery restarts ICE (as after a network switch); the candidates gathered for it are counted.
    const gathered = await avery.page.evaluate(async () => {
      const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] })
        .__peerConnections;
      const pc = pcs.at(-1)!;
      const types: string[] = [];
      const done = new Promise<void>((resolve) => {
        pc.addEventListener('icecandidate', (event) => {
          if (event.candidate) types.push(event.candidate.type ?? '?');
          else resolve();
        });
      });
      pc.restartIce();
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      return types;
    });
    // Expired credentials are refused by coturn: no relay candidate at all, and relay-only ICE
    // would have nothing to restart with.
    expect(gathered).toContain('relay');

    const label = "Blake Tester's video";
    const before = (await videoInfo(avery.page, label))?.frames ?? 0;
    await waitForDecodedFrames(avery.page, label, before + 10);
    expect(await blake.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });
  });
});
