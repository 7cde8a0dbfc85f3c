import { describe, expect, it } from 'vitest';
import { createProxyLogin, type ProxyChallenge, type ProxyCredentials } from './proxy-login.ts';

const PROXY = { host: 'proxy.firm.example', port: 8080, realm: 'Firm' };
const GOOD = { username: 'avery', password: 'proxy-secret' };

/** A prompt the test answers by hand. */
function prompt() {
  const asked: ProxyChallenge[] = [];
  const pending: ((answer: ProxyCredentials | null) => void)[] = [];
  return {
    asked,
    ask: (challenge: ProxyChallenge) =>
      new Promise<ProxyCredentials | null>((resolve) => {
        asked.push(challenge);
        pending.push(resolve);
      }),
    reply: (answer: ProxyCredentials | null) => pending.shift()?.(answer),
  };
}

/** What Electron's app 'login' event hands its listener. */
function appLogin(isProxy: boolean, firstAuthAttempt: boolean) {
  let prevented = false;
  let callback: (username?: string, password?: string) => void = () => undefined;
  const answered = new Promise<[string?, string?]>((resolve) => {
    callback = (username, password) => {
      resolve([username, password]);
    };
  });
  return {
    args: [
      { preventDefault: () => (prevented = true) },
      null,
      { firstAuthAttempt },
      { ...PROXY, isProxy, scheme: 'basic' },
      (username?: string, password?: string) => {
        callback(username, password);
      },
    ] as const,
    prevented: () => prevented,
    answered,
  };
}

describe('proxy login', () => {
  it('asks once for many waiting requests and keeps the answer in memory only', async () => {
    const p = prompt();
    const logged: string[] = [];
    const login = createProxyLogin({
      ask: p.ask,
      log: (e, f) => logged.push(JSON.stringify({ e, ...f })),
    });
    const first = login.answer({ ...PROXY, retry: false });
    const second = login.answer({ ...PROXY, retry: false });
    expect(p.asked).toHaveLength(1);
    p.reply(GOOD);
    expect(await first).toEqual(GOOD);
    expect(await second).toEqual(GOOD);
    // The next request is answered without a prompt.
    expect(await login.answer({ ...PROXY, retry: false })).toEqual(GOOD);
    expect(p.asked).toHaveLength(1);
    expect(login.credentialsFor('PROXY.firm.example', 8080)).toEqual(GOOD);
    expect(login.credentialsFor(PROXY.host, 3128)).toBeNull();
    // The log names the proxy, never the user name or password.
    expect(logged.join('\n')).toContain('proxy.firm.example:8080');
    expect(logged.join('\n')).not.toMatch(/avery|proxy-secret/);
    login.forget();
    expect(login.credentialsFor(PROXY.host, PROXY.port)).toBeNull();
  });

  it('a refused answer is dropped and the advisor asked again, told why', async () => {
    const p = prompt();
    const login = createProxyLogin({ ask: p.ask });
    const first = login.answer({ ...PROXY, retry: false });
    p.reply({ username: 'avery', password: 'typo' });
    await first;
    const again = login.answer({ ...PROXY, retry: true });
    expect(p.asked.at(-1)).toEqual({ ...PROXY, retry: true });
    p.reply(GOOD);
    expect(await again).toEqual(GOOD);
  });

  it('a cancelled or failed prompt answers null and stores nothing', async () => {
    const login = createProxyLogin({ ask: () => Promise.resolve(null) });
    expect(await login.answer({ ...PROXY, retry: false })).toBeNull();
    expect(login.credentialsFor(PROXY.host, PROXY.port)).toBeNull();
    const broken = createProxyLogin({ ask: () => Promise.reject(new Error('window gone')) });
    expect(await broken.answer({ ...PROXY, retry: false })).toBeNull();
  });

  it("answers Electron's app 'login' for a proxy: prevents the default and calls back", async () => {
    const p = prompt();
    const login = createProxyLogin({ ask: p.ask });
    const event = appLogin(true, true);
    login.onAppLogin(...event.args);
    expect(event.prevented()).toBe(true);
    expect(p.asked).toEqual([{ ...PROXY, retry: false }]);
    p.reply(GOOD);
    expect(await event.answered).toEqual(['avery', 'proxy-secret']);

    // A second attempt means the proxy refused it: the prompt comes back saying so.
    const retry = appLogin(true, false);
    login.onAppLogin(...retry.args);
    expect(p.asked.at(-1)).toEqual({ ...PROXY, retry: true });
    p.reply(null);
    expect(await retry.answered).toEqual([undefined, undefined]);
  });

  it("leaves a website's own sign-in alone (Electron's default cancels it)", () => {
    const p = prompt();
    const login = createProxyLogin({ ask: p.ask });
    const event = appLogin(false, true);
    login.onAppLogin(...event.args);
    expect(event.prevented()).toBe(false);
    expect(p.asked).toEqual([]);
  });
});
