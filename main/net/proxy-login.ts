/**
 * Proxy sign-in: when the firm's proxy answers 407, the advisor is asked (once per proxy, however
 * many requests are waiting), and what they typed is kept in this object's memory for the rest of
 * the session: never written to disk, the keychain or a log. Used by Electron's `app.on('login')`
 * (requests from web contents), by main's own HTTP requests (net-fetch.ts) and by the signaling
 * socket's CONNECT (proxy-agent.ts), so one answer serves all three.
 */
import type { AuthInfo, AuthenticationResponseDetails, Event, WebContents } from 'electron';

export interface ProxyCredentials {
  username: string;
  password: string;
}

export interface ProxyChallenge {
  host: string;
  port: number;
  realm: string;
  /** True when the proxy refused what was given before: the prompt says so. */
  retry: boolean;
}

/** Shows the prompt; null when the advisor cancels. */
export type AskProxyCredentials = (challenge: ProxyChallenge) => Promise<ProxyCredentials | null>;

type LoginCallback = (username?: string, password?: string) => void;

export interface ProxyLogin {
  /** What the advisor gave for this proxy in this session, if anything. */
  credentialsFor(host: string, port: number): ProxyCredentials | null;
  /** Known credentials on a first attempt; otherwise (or after a refusal) asks the advisor. */
  answer(challenge: ProxyChallenge): Promise<ProxyCredentials | null>;
  /** The listener for Electron's `app.on('login', …)`. */
  onAppLogin(
    event: Pick<Event, 'preventDefault'>,
    webContents: WebContents | null,
    details: Pick<AuthenticationResponseDetails, 'firstAuthAttempt'>,
    authInfo: AuthInfo,
    callback: LoginCallback,
  ): void;
  /** Forgets every answer (sign-out, quit). */
  forget(): void;
}

export function createProxyLogin(deps: {
  ask: AskProxyCredentials;
  log?: (event: string, fields?: Record<string, string | number>) => void;
}): ProxyLogin {
  const log = deps.log ?? (() => undefined);
  const known = new Map<string, ProxyCredentials>();
  const asking = new Map<string, Promise<ProxyCredentials | null>>();
  const key = (host: string, port: number) => `${host.toLowerCase()}:${port}`;

  function ask(challenge: ProxyChallenge): Promise<ProxyCredentials | null> {
    const id = key(challenge.host, challenge.port);
    let pending = asking.get(id);
    if (!pending) {
      // The proxy is named in the log, never the user name or password.
      log('proxy.sign-in-asked', { proxy: id, retry: challenge.retry ? 1 : 0 });
      pending = deps
        .ask(challenge)
        .catch(() => null)
        .then((credentials) => {
          if (credentials) known.set(id, credentials);
          else log('proxy.sign-in-cancelled', { proxy: id });
          return credentials;
        })
        .finally(() => asking.delete(id));
      asking.set(id, pending);
    }
    return pending;
  }

  const login: ProxyLogin = {
    credentialsFor: (host, port) => known.get(key(host, port)) ?? null,

    answer(challenge) {
      const id = key(challenge.host, challenge.port);
      // A refusal of what we hold means it is wrong (or changed): drop it and ask again. A prompt
      // already open answers every request that waits on it, retry or not.
      if (challenge.retry && !asking.has(id)) known.delete(id);
      const held = known.get(id);
      if (held) return Promise.resolve(held);
      return ask(challenge);
    },

    onAppLogin(event, _webContents, details, authInfo, callback) {
      // A website's own sign-in is not ours to answer: Electron's default cancels it.
      if (!authInfo.isProxy) return;
      event.preventDefault();
      void login
        .answer({
          host: authInfo.host,
          port: authInfo.port,
          realm: authInfo.realm,
          retry: !details.firstAuthAttempt,
        })
        .then((credentials) => {
          if (credentials) callback(credentials.username, credentials.password);
          else callback();
        });
    },

    forget() {
      known.clear();
    },
  };
  return login;
}
