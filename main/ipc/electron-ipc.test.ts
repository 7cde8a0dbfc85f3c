import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import type { BrowserWindow } from 'electron';
import { CHANNELS } from '../../shared/bridge/channels.ts';
import {
  MockBrowserWindow,
  MockWebFrame,
  electronMock,
  resetElectronMock,
  type MockWebContents,
} from '../testing/electron-mock.ts';
import { createWindowEventSink, registerIpc } from './electron-ipc.ts';
import { createRouter } from './router.ts';

const PAGE = 'app://advisor/index.html';

function setup() {
  const window = new MockBrowserWindow();
  window.webContents.mainFrame.url = PAGE;
  const router = createRouter({ trustedOrigin: 'app://advisor' });
  const setCallState = vi.fn(() => null);
  router.handle('app:info', () => ({ version: '1.0.0', platform: 'linux' }));
  router.handle('app:set-call-state', setCallState);
  const unregister = registerIpc(router, window as unknown as BrowserWindow);
  /** What ipcRenderer.invoke from this webContents and frame would get. */
  const invoke = (
    channel: string,
    from: { sender: MockWebContents; senderFrame: MockWebFrame | null },
    ...args: unknown[]
  ) => {
    const handler = electronMock.ipcHandlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(from, ...args) as Promise<unknown>;
  };
  const fromPage = () => ({
    sender: window.webContents,
    senderFrame: window.webContents.mainFrame,
  });
  return { window, invoke, fromPage, setCallState, unregister };
}

const badSender = { ok: false, error: { code: 'bad-sender', message: expect.any(String) } };

beforeEach(() => {
  resetElectronMock();
});

describe('IPC glue', () => {
  it('answers every contract channel and nothing else', () => {
    setup();
    expect([...electronMock.ipcHandlers.keys()].sort()).toStrictEqual([...CHANNELS].sort());
  });

  it("passes our window's top frame through to the router, with its arguments", async () => {
    const { invoke, fromPage, setCallState } = setup();
    expect(await invoke('app:info', fromPage())).toStrictEqual({
      ok: true,
      value: { version: '1.0.0', platform: 'linux' },
    });
    const state = { inCall: true, peerName: 'Blake' };
    expect(await invoke('app:set-call-state', fromPage(), state)).toStrictEqual({
      ok: true,
      value: null,
    });
    expect(setCallState).toHaveBeenCalledWith(state);
  });

  it('refuses a subframe of our window', async () => {
    const { window, invoke } = setup();
    const subframe = new MockWebFrame(PAGE, window.webContents.mainFrame);
    expect(
      await invoke('app:info', { sender: window.webContents, senderFrame: subframe }),
    ).toStrictEqual(badSender);
  });

  it('refuses another webContents, even on our origin', async () => {
    const { invoke } = setup();
    const other = new MockBrowserWindow();
    other.webContents.mainFrame.url = PAGE;
    expect(
      await invoke('app:info', {
        sender: other.webContents,
        senderFrame: other.webContents.mainFrame,
      }),
    ).toStrictEqual(badSender);
  });

  it('refuses a frame that is gone, a foreign page and a destroyed window', async () => {
    const { window, invoke, fromPage, setCallState } = setup();
    expect(
      await invoke('app:info', { sender: window.webContents, senderFrame: null }),
    ).toStrictEqual(badSender);
    window.webContents.mainFrame.url = 'https://evil.example/';
    expect(await invoke('app:info', fromPage())).toStrictEqual(badSender);
    window.webContents.mainFrame.url = PAGE;
    window.destroy();
    expect(
      await invoke('app:set-call-state', fromPage(), { inCall: true, peerName: null }),
    ).toStrictEqual(badSender);
    expect(setCallState).not.toHaveBeenCalled();
  });

  it('can be unregistered', () => {
    const { unregister } = setup();
    unregister();
    expect(electronMock.ipcHandlers.size).toBe(0);
  });
});

describe('window event sink', () => {
  it('sends valid events to our window only', () => {
    const window = new MockBrowserWindow();
    const other = new MockBrowserWindow();
    const sink = createWindowEventSink(window as unknown as BrowserWindow);
    sink('app:incoming-call-clicked', { callId: 'call_0123456789' });
    expect(window.webContents.send).toHaveBeenCalledExactlyOnceWith('app:incoming-call-clicked', {
      callId: 'call_0123456789',
    });
    expect(other.webContents.send).not.toHaveBeenCalled();
  });

  it('drops payloads that break the contract', () => {
    const window = new MockBrowserWindow();
    const onDropped = vi.fn();
    const sink = createWindowEventSink(window as unknown as BrowserWindow, onDropped);
    sink('app:incoming-call-clicked', { callId: 'x' });
    expect(window.webContents.send).not.toHaveBeenCalled();
    expect(onDropped).toHaveBeenCalledWith('app:incoming-call-clicked', expect.any(String));
  });

  it('sends nothing to a destroyed window', () => {
    const window = new MockBrowserWindow();
    const sink = createWindowEventSink(window as unknown as BrowserWindow);
    window.destroy();
    sink('app:quit-requested-in-call', null);
    expect(window.webContents.send).not.toHaveBeenCalled();
  });
});
