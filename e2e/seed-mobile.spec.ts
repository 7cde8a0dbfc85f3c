/**
 * A mobile client of the original protocol (five seed events, no call ids, no renegotiation)
 * completes 1:1 calls with the app both ways. Two things such a client found: the app must not
 * send a second offer after the answer when nothing changed (a seed client ignores it and the
 * app's connection stayed in have-local-offer), and candidates sent just before the offer
 * reaches the server must be delivered, not refused.
 */
import { expect, test } from './fixtures.ts';
import { launchSeedMobile } from './host/seed-mobile.ts';
import { waitForDecodedFrames } from './media.ts';

test.describe('a mobile client of the original protocol', () => {
  test('the app calls it, it answers: media both ways, no second offer, hang-up from the app', async ({
    app,
    browser,
    server,
  }) => {
    await server.addUser('morgan', ['Team']);
    const avery = await app.launch('avery', { signedIn: true });
    const morgan = await launchSeedMobile(browser, server, 'morgan');

    await avery.page.getByRole('button', { name: 'Call Morgan Tester' }).click();
    await waitForDecodedFrames(avery.page, "Morgan Tester's video", 10);
    await waitForDecodedFrames(morgan.page, 'remote', 10);
    // Long past the ~0.4 s when the old engine sent its unchanged second offer.
    await avery.page.waitForTimeout(2_000);
    expect(await morgan.received()).not.toContain('call-renegotiate');
    const states = await avery.page.evaluate(() =>
      (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections.map(
        (pc) => pc.signalingState,
      ),
    );
    expect(states).toEqual(['stable']);

    await avery.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => morgan.received()).toContain('end-call');
    await morgan.close();
  });

  test('it calls the app (candidates before its offer), the app answers: media both ways, it hangs up', async ({
    app,
    browser,
    server,
  }) => {
    await server.addUser('morgan', ['Team']);
    const avery = await app.launch('avery', { signedIn: true });
    const morgan = await launchSeedMobile(browser, server, 'morgan');
    const averyId = (await server.store.userByUsername('avery'))?.id ?? '';

    await morgan.call(averyId);
    await avery.page
      .getByRole('dialog', { name: 'Incoming call from Morgan Tester' })
      .getByRole('button', { name: 'Answer' })
      .click();
    await waitForDecodedFrames(avery.page, "Morgan Tester's video", 10);
    await waitForDecodedFrames(morgan.page, 'remote', 10);
    // The app learnt Morgan's host candidates: they were sent before the offer and held.
    const remoteTypes = await avery.page.evaluate(async () => {
      const [pc] = (window as unknown as { __peerConnections: RTCPeerConnection[] })
        .__peerConnections;
      const types: string[] = [];
      (await pc!.getStats()).forEach((stat: { type: string; candidateType?: string }) => {
        if (stat.type === 'remote-candidate' && stat.candidateType) types.push(stat.candidateType);
      });
      return types;
    });
    expect(remoteTypes).toContain('host');

    await morgan.hangUp();
    await expect(avery.page.getByText('Morgan Tester ended the call.')).toBeVisible();
    await morgan.close();
  });
});
