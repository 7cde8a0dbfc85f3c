/**
 * The signed-in session: signs in, keeps the tokens in the vault, refreshes the access token
 * before it expires, resumes on start from the stored refresh token, and signs out (revoking on
 * the server). The renderer sees only SessionState: a profile and a status, never a token.
 */
import type { SessionState } from '../../shared/bridge/contract.ts';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { tokenPairSchema, type TokenPair } from '../../shared/protocol/rest.ts';
import type { TokenVault, StoredSession } from '../auth/vault.ts';
import { insecureServerUrl, type ServerUrlRule } from '../settings/server-url-rule.ts';
import { callServer, type Fetch } from './server-api.ts';
import { z } from 'zod';

/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;
const RETRY_MS = 5_000;

export interface SessionDeps {
  vault: TokenVault;
  fetch: Fetch;
  /** The server URL from settings (IT policy may pin it). */
  serverUrl: () => string;
  rememberServerUrl: (url: string) => void;
  /** https:// only; loopback http:// too in an unpackaged build (the default here). */
  serverUrlRule?: ServerUrlRule;
  onChange: (state: SessionState) => void;
  log?: (event: string, fields?: Record<string, string | number>) => void;
  now?: () => number;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
}

export interface Session {
  state(): SessionState;
  signIn(input: { serverUrl: string; username: string; password: string }): Promise<SessionState>;
  resume(): Promise<SessionState>;
  signOut(): Promise<SessionState>;
  /** A valid access token, refreshed first if it is about to expire. */
  accessToken(): Promise<string>;
  /** Forces a refresh (the server refused the current token). */
  refresh(): Promise<string>;
  /** GET an API path with the access token, refreshing once on a 401. */
  get<T>(path: string, schema: z.ZodType<T>): Promise<T>;
  /** Any API call with the access token, refreshing once on a 401. */
  request<T>(path: string, schema: z.ZodType<T>, init?: ApiRequest): Promise<T>;
  /** Called with every new access token (signaling renews its socket with it). */
  onToken(listener: (token: string) => void): () => void;
  dispose(): void;
}

export function createSession(deps: SessionDeps): Session {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const serverUrlRule = deps.serverUrlRule ?? { allowLoopbackHttp: true };
  let state: SessionState = { status: 'signed-out', serverUrl: null, user: null, message: null };
  let current: { serverUrl: string; stored: StoredSession } | null = null;
  let refreshing: Promise<string> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const tokenListeners = new Set<(token: string) => void>();
  // A function, not a check of `current` inline: awaited calls may have cleared it.
  const signedIn = (): boolean => current !== null;

  const setState = (next: SessionState): SessionState => {
    state = next;
    deps.onChange(next);
    return next;
  };

  const toStored = (pair: TokenPair): StoredSession => ({
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    accessExpiresAt: now() + pair.expiresIn * 1000,
    user: pair.user,
  });

  function schedule(): void {
    clearTimeout(timer);
    if (!current) return;
    const delay = Math.max(1_000, current.stored.accessExpiresAt - REFRESH_AHEAD_MS - now());
    timer = setTimeout(() => {
      refresh().catch(() => {
        // refresh() already moved the state on; retry only while still signed in.
        if (current) timer = setTimeout(schedule, RETRY_MS);
      });
    }, delay);
    timer.unref();
  }

  async function adopt(serverUrl: string, stored: StoredSession): Promise<void> {
    await deps.vault.write(serverUrl, stored);
    current = { serverUrl, stored };
    schedule();
    for (const listener of tokenListeners) listener(stored.accessToken);
  }

  async function endSession(message: string, status: 'expired' | 'signed-out'): Promise<void> {
    const serverUrl = current?.serverUrl ?? state.serverUrl;
    const user = current?.stored.user ?? null;
    current = null;
    clearTimeout(timer);
    if (serverUrl) await deps.vault.clear(serverUrl).catch(() => undefined);
    setState({ status, serverUrl, user: status === 'expired' ? user : null, message });
  }

  function refresh(): Promise<string> {
    refreshing ??= (async () => {
      const session = current;
      if (!session) throw new BridgeFailure('not-signed-in', 'Sign in first.');
      try {
        const pair = await callServer(
          deps.fetch,
          session.serverUrl,
          '/api/auth/refresh',
          tokenPairSchema,
          {
            method: 'POST',
            body: { refreshToken: session.stored.refreshToken },
          },
        );
        if (current !== session) {
          // Signed out (or in again) while the server answered: that pair belongs to no one.
          await callServer(deps.fetch, session.serverUrl, '/api/auth/logout', z.unknown(), {
            method: 'POST',
            body: { refreshToken: pair.refreshToken },
          }).catch(() => undefined);
          throw new BridgeFailure('not-signed-in', 'Sign in first.');
        }
        await adopt(session.serverUrl, toStored(pair));
        log('session.refreshed');
        return pair.accessToken;
      } catch (error) {
        if (error instanceof BridgeFailure && error.code === 'session-expired') {
          log('session.expired');
          await endSession('Your session has ended. Please sign in again.', 'expired');
        }
        throw error;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function accessToken(): Promise<string> {
    if (!current) throw new BridgeFailure('not-signed-in', 'Sign in first.');
    if (current.stored.accessExpiresAt - now() > REFRESH_AHEAD_MS / 2)
      return current.stored.accessToken;
    return refresh();
  }

  async function request<T>(path: string, schema: z.ZodType<T>, init: ApiRequest = {}) {
    const session = current;
    if (!session) throw new BridgeFailure('not-signed-in', 'Sign in first.');
    try {
      return await callServer(deps.fetch, session.serverUrl, path, schema, {
        ...init,
        token: await accessToken(),
      });
    } catch (error) {
      if (!(error instanceof BridgeFailure) || error.code !== 'session-expired') throw error;
      const token = await refresh();
      return callServer(deps.fetch, session.serverUrl, path, schema, { ...init, token });
    }
  }

  return {
    state: () => state,

    async signIn({ serverUrl, username, password }) {
      const origin = new URL(serverUrl).origin;
      const insecure = insecureServerUrl(origin, serverUrlRule);
      if (insecure) {
        setState({ status: 'signed-out', serverUrl: origin, user: null, message: insecure });
        throw new BridgeFailure('invalid-arguments', insecure);
      }
      setState({ status: 'signing-in', serverUrl: origin, user: null, message: null });
      let pair: TokenPair;
      try {
        pair = await callServer(deps.fetch, origin, '/api/auth/login', tokenPairSchema, {
          method: 'POST',
          body: { username: username.trim().toLowerCase(), password },
        });
      } catch (error) {
        setState({
          status: 'signed-out',
          serverUrl: origin,
          user: null,
          message: (error as Error).message,
        });
        throw error;
      }
      try {
        await adopt(origin, toStored(pair));
      } catch (error) {
        // The keychain refused: do not keep a session we cannot store; revoke it on the server.
        current = null;
        await callServer(deps.fetch, origin, '/api/auth/logout', z.unknown(), {
          method: 'POST',
          body: { refreshToken: pair.refreshToken },
        }).catch(() => undefined);
        setState({
          status: 'signed-out',
          serverUrl: origin,
          user: null,
          message: (error as Error).message,
        });
        throw error;
      }
      deps.rememberServerUrl(origin);
      log('session.signed-in');
      return setState({ status: 'signed-in', serverUrl: origin, user: pair.user, message: null });
    },

    async resume() {
      const configured = deps.serverUrl();
      if (!configured) return state;
      const serverUrl = new URL(configured).origin;
      // An address saved before the https-only rule (or a policy's): no token goes to it.
      const insecure = insecureServerUrl(serverUrl, serverUrlRule);
      if (insecure) {
        return setState({ status: 'signed-out', serverUrl, user: null, message: insecure });
      }
      const stored = await deps.vault.read(serverUrl);
      if (!stored) {
        return setState({ status: 'signed-out', serverUrl, user: null, message: null });
      }
      current = { serverUrl, stored };
      try {
        await refresh();
      } catch (error) {
        if (!signedIn()) return state; // expired: refresh() already said so
        // Server unreachable: stay signed in with what we have; signaling keeps retrying.
        log('session.resume-offline', { code: (error as BridgeFailure).code });
        schedule();
      }
      return setState({ status: 'signed-in', serverUrl, user: stored.user, message: null });
    },

    async signOut() {
      // A refresh in flight would rotate the token we are about to revoke: let it land first.
      await refreshing?.catch(() => undefined);
      const session = current;
      if (session) {
        // Best effort: revoke on the server; sign out locally whatever it answers.
        await callServer(deps.fetch, session.serverUrl, '/api/auth/logout', z.unknown(), {
          method: 'POST',
          body: { refreshToken: session.stored.refreshToken },
        }).catch(() => undefined);
      }
      await endSession('You signed out.', 'signed-out');
      log('session.signed-out');
      return state;
    },

    accessToken,
    refresh,

    get: (path, schema) => request(path, schema),
    request,

    onToken(listener) {
      tokenListeners.add(listener);
      return () => tokenListeners.delete(listener);
    },

    dispose() {
      clearTimeout(timer);
      tokenListeners.clear();
    },
  };
}
