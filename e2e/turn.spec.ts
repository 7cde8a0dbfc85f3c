/**
 * TURN through a real coturn on loopback: with the firm's relay-only setting every call goes
 * through the relay; wrong credentials end the call with a clear error, not a hang.
 */
import { averyCallsBlake, connected, expect, test } from './fixtures.ts';
import { startCoturn, type Coturn } from './host/coturn.ts';

const SECRET = 'turn-test-secret-1234';
let coturn: Coturn;

test.beforeAll(async () => {
  coturn = await startCoturn(SECRET);
});
test.afterAll(async () => {
  await coturn.stop();
});

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
    server.config.ice.turnUrls = [coturn.url];
    server.config.ice.turnSecret = SECRET;
    const { avery, blake } = await connected(app);
    expect(await avery.selectedCandidates()).toEqual({ local: 'relay', remote: 'relay' });
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
