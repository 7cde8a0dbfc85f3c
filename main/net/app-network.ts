/**
 * How the Electron app reaches the firm's server: main's REST calls through Chromium's network
 * stack on the app's session (system proxy, PAC, OS trust store), the signaling socket through
 * the route that session's proxy settings give (HTTP CONNECT) with Node's CAs plus the OS store,
 * and one proxy sign-in prompt for both, its answer held in memory until the app quits.
 */
import { app, net, session, type BrowserWindow } from 'electron';
import type { Fetch } from '../session/server-api.ts';
import { createNetFetch } from './net-fetch.ts';
import { createSocketTransport, type SocketTransportFor } from './proxy-agent.ts';
import { askInWindow } from './proxy-login-window.ts';
import { createProxyLogin, type ProxyLogin } from './proxy-login.ts';
import { systemTrustedCertificates } from './trusted-certificates.ts';

export interface AppNetwork {
  fetch: Fetch;
  socketTransport: SocketTransportFor;
  proxyLogin: ProxyLogin;
}

export function createAppNetwork(options: {
  /** The window the prompt belongs to (modal over it), once there is one. */
  parentWindow: () => BrowserWindow | null;
  log: (event: string, fields?: Record<string, string | number>) => void;
}): AppNetwork {
  const { log } = options;
  const proxyLogin = createProxyLogin({ ask: askInWindow(options.parentWindow), log });
  // Requests from web contents (and utility processes) that meet a proxy asking for a password.
  app.on('login', (event, webContents, details, authInfo, callback) => {
    proxyLogin.onAppLogin(event, webContents, details, authInfo, callback);
  });
  // Read once, on the first connection: the OS store does not change under a running app often
  // enough to read it on every reconnect.
  let certificates: string[] | null = null;
  return {
    proxyLogin,
    fetch: createNetFetch({
      request: (requestOptions) =>
        net.request({ ...requestOptions, session: session.defaultSession }),
      proxyLogin,
    }),
    socketTransport: createSocketTransport({
      resolveProxy: (url) => session.defaultSession.resolveProxy(url),
      trustedCertificates: () => (certificates ??= systemTrustedCertificates(undefined, log)),
      proxyLogin,
      log,
    }),
  };
}
