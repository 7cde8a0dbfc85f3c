/**
 * The Electron seam of the firm network (main/net/app-network.ts) against the shared electron
 * mock: what main asks of Chromium's network stack (net.request on the app's session, its proxy
 * settings) and of the proxy sign-in window. What Chromium itself does with a real proxy cannot run
 * here (no Electron binary); the socket's side of the same network runs for real in
 * firm-network.test.ts.
 */
import { HttpsProxyAgent } from 'https-proxy-agent';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import type { BrowserWindow as ElectronWindow } from 'electron';
import {
  app,
  BrowserWindow,
  electronMock,
  mockEvent,
  resetElectronMock,
  session,
  type MockBrowserWindow,
  type MockClientRequest,
} from '../testing/electron-mock.ts';
import { callServer } from '../session/server-api.ts';
import { createAppNetwork } from './app-network.ts';
import { PROXY_SIGN_IN_NEEDED } from './connection-errors.ts';

const PROXY_AUTH = {
  isProxy: true,
  scheme: 'basic',
  host: 'proxy.firm.example',
  port: 8080,
  realm: 'Firm',
};
const SERVER = 'https://advisor.firm.example';
let logged: string[];
let mainWindow: MockBrowserWindow;

beforeEach(() => {
  resetElectronMock();
  logged = [];
  mainWindow = new BrowserWindow();
});

function network() {
  return createAppNetwork({
    parentWindow: () => mainWindow as unknown as ElectronWindow,
    log: (event, fields) => logged.push(JSON.stringify({ event, ...fields })),
  });
}

async function nextRequest(index: number): Promise<MockClientRequest> {
  await vi.waitFor(() => {
    expect(electronMock.netRequests[index]).toBeDefined();
  });
  return electronMock.netRequests[index] as MockClientRequest;
}

async function promptWindow(): Promise<MockBrowserWindow> {
  await vi.waitFor(() => {
    expect(electronMock.windows.length).toBe(2);
  });
  return electronMock.windows[1] as MockBrowserWindow;
}

describe("main's REST through Chromium's network stack", () => {
  it("sends the request on the app session and reads the server's JSON", async () => {
    const { fetch } = network();
    const pending = callServer(fetch, SERVER, '/api/auth/login', z.object({ ok: z.boolean() }), {
      method: 'POST',
      body: { username: 'avery' },
    });
    const request = await nextRequest(0);
    expect(request.options).toMatchObject({
      url: `${SERVER}/api/auth/login`,
      method: 'POST',
      session: session.defaultSession,
      redirect: 'error',
      useSessionCookies: false,
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe('{"username":"avery"}');
    request.respond(200, '{"ok":true}', { 'content-type': 'application/json' });
    await expect(pending).resolves.toEqual({ ok: true });
  });

  it('an abort (the 10 s timeout) aborts the request', async () => {
    const { fetch } = network();
    const controller = new AbortController();
    const pending = fetch(`${SERVER}/api/me`, { signal: controller.signal });
    const request = await nextRequest(0);
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
    expect(request.aborted).toBe(true);
  });
});

describe('proxy sign-in', () => {
  it('asks in a modal window without a bridge, answers Chromium, and reuses the answer', async () => {
    const { fetch } = network();
    void fetch(`${SERVER}/api/me`);
    const request = await nextRequest(0);
    const answered = request.challenge(PROXY_AUTH);

    const prompt = await promptWindow();
    expect(prompt.options).toMatchObject({ parent: mainWindow, modal: true });
    expect(prompt.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(prompt.options.webPreferences?.preload).toBeUndefined();
    const page = decodeURIComponent(prompt.webContents.getURL());
    expect(page).toContain('proxy.firm.example:8080');
    expect(page).not.toContain('did not accept');

    prompt.webContents.executeJavaScript.mockResolvedValueOnce(['avery', 'proxy-secret']);
    prompt.webContents.emit('page-title-updated', mockEvent(), 'submit');
    await expect(answered).resolves.toEqual(['avery', 'proxy-secret']);
    expect(prompt.isDestroyed()).toBe(true);

    // Another request, and a web contents' request (app 'login'): answered from memory.
    void fetch(`${SERVER}/api/circles`);
    await expect((await nextRequest(1)).challenge(PROXY_AUTH)).resolves.toEqual([
      'avery',
      'proxy-secret',
    ]);
    const event = mockEvent();
    const fromPage = new Promise<string[]>((resolve) => {
      app.emit(
        'login',
        event,
        null,
        { firstAuthAttempt: true },
        PROXY_AUTH,
        (...creds: string[]) => {
          resolve(creds);
        },
      );
    });
    expect(event.defaultPrevented).toBe(true);
    await expect(fromPage).resolves.toEqual(['avery', 'proxy-secret']);
    expect(electronMock.windows).toHaveLength(2);
    expect(logged.join('\n')).not.toContain('proxy-secret');
  });

  it('cancelled: Chromium is told, and the advisor reads why', async () => {
    const { fetch } = network();
    const pending = callServer(fetch, SERVER, '/api/me', z.unknown());
    const request = await nextRequest(0);
    const answered = request.challenge(PROXY_AUTH);
    const prompt = await promptWindow();
    prompt.webContents.emit('page-title-updated', mockEvent(), 'cancel');
    await expect(answered).resolves.toEqual([undefined, undefined]);
    request.respond(407, '<html>Proxy Authentication Required</html>');
    await expect(pending).rejects.toThrow(PROXY_SIGN_IN_NEEDED);
  });

  it("a server's own password challenge is not answered, and no window opens", async () => {
    const { fetch } = network();
    void fetch(`${SERVER}/api/me`);
    const request = await nextRequest(0);
    await expect(request.challenge({ ...PROXY_AUTH, isProxy: false })).resolves.toEqual([
      undefined,
      undefined,
    ]);
    expect(electronMock.windows).toHaveLength(1);
  });
});

describe("the socket's route from the session's proxy settings", () => {
  it('a PROXY answer gives a CONNECT agent, with the OS store among the CAs', async () => {
    session.defaultSession.proxyAnswer = 'PROXY proxy.firm.example:8080; DIRECT';
    const transport = await network().socketTransport(SERVER);
    expect(session.defaultSession.resolveProxy).toHaveBeenCalledWith(SERVER);
    expect(transport.agent).toBeInstanceOf(HttpsProxyAgent);
    expect((transport.agent as HttpsProxyAgent<string>).proxy.href).toBe(
      'http://proxy.firm.example:8080/',
    );
    expect(transport.ca.length).toBeGreaterThan(0);
  });

  it('only SOCKS offered: direct, and a log line says so', async () => {
    session.defaultSession.proxyAnswer = 'SOCKS5 socks.firm.example:1080';
    const transport = await network().socketTransport(SERVER);
    expect(transport.agent).toBeUndefined();
    expect(logged).toEqual([
      JSON.stringify({
        event: 'proxy.unsupported-only',
        offered: 'SOCKS5 socks.firm.example:1080',
        note: 'The system proxy settings offer only proxies the server connection cannot use (SOCKS), so it connects directly.',
      }),
    ]);
  });
});
