import { accessibilityProblems, expect, signInWithUi, test, PASSWORD } from './fixtures.ts';

test.describe('sign in', () => {
  test('wrong password, unreachable server and keychain unavailable are explained', async ({
    app,
    server,
  }, testInfo) => {
    const avery = await app.launch('avery');
    const { page } = avery;
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('sign-in.png') });
    expect(await accessibilityProblems(page)).toEqual([]);

    await signInWithUi(page, server.url, 'avery', 'not-the-password');
    await expect(page.getByRole('alert')).toContainText('Wrong username or password.');

    await signInWithUi(page, 'http://127.0.0.1:9', 'avery', PASSWORD);
    await expect(page.getByRole('alert')).toContainText(
      'Cannot reach the server at http://127.0.0.1:9',
    );

    // Another computer over plain http:// is refused, with the reason, before anything is sent.
    await signInWithUi(page, 'http://firm.example', 'avery', PASSWORD);
    await expect(page.getByRole('alert')).toHaveText(
      "Use an https:// address: the connection to your firm's server must be encrypted.",
    );
    await page.screenshot({ path: testInfo.outputPath('sign-in-error.png') });
  });

  test('keychain unavailable: a clear error and no session', async ({ app, server }) => {
    const unavailable = new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    const blake = await app.launch('blake', {
      keychain: {
        getPassword: () => Promise.reject(unavailable),
        setPassword: () => Promise.reject(unavailable),
        deletePassword: () => Promise.reject(unavailable),
        findCredentials: () => Promise.reject(unavailable),
      },
    });
    await signInWithUi(blake.page, server.url, 'blake');
    await expect(blake.page.getByRole('alert')).toContainText(
      'The system keychain is not available',
    );
    await expect(blake.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(blake.services.session.state().status).toBe('signed-out');
  });

  test('signs in, shows circles and presence, signs out', async ({ app, server }, testInfo) => {
    await server.addUser('casey', ['Team']);
    const avery = await app.launch('avery');
    await signInWithUi(avery.page, server.url, 'avery');
    await expect(avery.page.getByRole('heading', { name: /Avery Tester/ })).toBeVisible();
    await expect(
      avery.page.getByRole('status').filter({ hasText: 'Online' }).first(),
    ).toBeVisible();
    // Casey is offline: no call possible yet.
    await expect(avery.page.getByRole('button', { name: 'Call Casey Tester' })).toBeDisabled();
    const casey = await app.launch('casey', { signedIn: true });
    await expect(avery.page.getByRole('button', { name: 'Call Casey Tester' })).toBeEnabled();
    await expect(casey.page.getByRole('button', { name: 'Call Avery Tester' })).toBeEnabled();
    await avery.page.screenshot({ path: testInfo.outputPath('home.png') });
    expect(await accessibilityProblems(avery.page)).toEqual([]);

    await avery.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(avery.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(casey.page.getByRole('button', { name: 'Call Avery Tester' })).toBeDisabled();
  });

  test('resumes a stored session on start without asking again', async ({ app }) => {
    const avery = await app.launch('avery', { signedIn: true });
    await expect(avery.page.getByRole('heading', { name: /Avery Tester/ })).toBeVisible();
    await expect(avery.page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
  });
});
