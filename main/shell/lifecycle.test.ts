import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import type { BrowserWindow } from 'electron';
import {
  MockBrowserWindow,
  app,
  dialog,
  electronMock,
  resetElectronMock,
} from '../testing/electron-mock.ts';
import type { CallState } from './app-channels.ts';
import {
  claimSingleInstance,
  disposeBeforeQuit,
  installQuitGuard,
  quitQuestion,
} from './lifecycle.ts';

const asWindow = (window: MockBrowserWindow) => window as unknown as BrowserWindow;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  resetElectronMock();
});

describe('single instance', () => {
  it('with the lock, a second launch brings the existing window forward', () => {
    const window = new MockBrowserWindow({ show: false });
    window.minimized = true;
    expect(claimSingleInstance(() => asWindow(window))).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    app.emit('second-instance', {}, ['advisor'], '/');
    expect(window.restore).toHaveBeenCalledTimes(1);
    expect(window.show).toHaveBeenCalledTimes(1);
    expect(window.focus).toHaveBeenCalledTimes(1);
  });

  it('without the lock, quits', () => {
    electronMock.singleInstanceLock = false;
    expect(claimSingleInstance(() => null)).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});

describe('quit guard', () => {
  function setup(state: CallState) {
    const window = new MockBrowserWindow();
    let current = state;
    const onConfirmed = vi.fn();
    installQuitGuard({
      window: asWindow(window),
      callState: () => current,
      onConfirmed,
      hangUpGraceMs: 0,
    });
    return {
      window,
      onConfirmed,
      setState: (next: CallState) => {
        current = next;
      },
    };
  }

  it('outside a call, quits without asking', () => {
    setup({ inCall: false, peerName: null });
    app.quit();
    expect(electronMock.quitCount).toBe(1);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('during a call, asks first and stays when the advisor says so', async () => {
    const { onConfirmed } = setup({ inCall: true, peerName: 'Blake Tester' });
    electronMock.messageBoxResponse = 0;
    app.quit();
    expect(electronMock.quitCount).toBe(0);
    await flush();
    expect(electronMock.messageBoxes).toHaveLength(1);
    expect(electronMock.messageBoxes[0]!.message).toBe(
      'You are in a call with Blake Tester. Quit and end the call?',
    );
    expect(electronMock.messageBoxes[0]!.buttons).toStrictEqual([
      'Stay in the call',
      'Quit and end the call',
    ]);
    expect(electronMock.messageBoxes[0]!.cancelId).toBe(0);
    await flush();
    expect(electronMock.quitCount).toBe(0);
    expect(onConfirmed).not.toHaveBeenCalled();
  });

  it('during a call, quits once confirmed, telling the renderer first', async () => {
    const { onConfirmed } = setup({ inCall: true, peerName: 'Blake Tester' });
    electronMock.messageBoxResponse = 1;
    app.quit();
    expect(electronMock.quitCount).toBe(0);
    await vi.waitFor(() => {
      expect(electronMock.quitCount).toBe(1);
    });
    expect(onConfirmed).toHaveBeenCalledTimes(1);
    expect(electronMock.messageBoxes).toHaveLength(1);
  });

  it('asks once even when quit is pressed again while the question is open', async () => {
    setup({ inCall: true, peerName: null });
    app.quit();
    app.quit();
    await flush();
    expect(electronMock.messageBoxes).toHaveLength(1);
    expect(electronMock.messageBoxes[0]!.message).toBe('You are in a call. Quit and end the call?');
  });

  it('guards closing the window too', async () => {
    const { window } = setup({ inCall: true, peerName: 'Blake Tester' });
    window.close();
    expect(window.isDestroyed()).toBe(false);
    await flush();
    expect(electronMock.messageBoxes).toHaveLength(1);
  });

  it('lets the window close outside a call', () => {
    const { window } = setup({ inCall: false, peerName: null });
    window.close();
    expect(window.isDestroyed()).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('quits without asking once the call has ended', () => {
    const { setState } = setup({ inCall: true, peerName: 'Blake Tester' });
    setState({ inCall: false, peerName: null });
    app.quit();
    expect(electronMock.quitCount).toBe(1);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('words the question with or without a name', () => {
    expect(quitQuestion('Casey')).toBe('You are in a call with Casey. Quit and end the call?');
    expect(quitQuestion(null)).toBe('You are in a call. Quit and end the call?');
  });
});

describe('dispose before quit', () => {
  it('holds the quit until the services are closed', async () => {
    let finish: () => void = () => undefined;
    const dispose = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    disposeBeforeQuit(dispose);
    app.quit();
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(electronMock.quitCount).toBe(0);
    finish();
    await vi.waitFor(() => {
      expect(electronMock.quitCount).toBe(1);
    });
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('does not let a hanging dispose keep the app alive', async () => {
    disposeBeforeQuit(() => new Promise<void>(() => undefined), 10);
    app.quit();
    expect(electronMock.quitCount).toBe(0);
    await vi.waitFor(() => {
      expect(electronMock.quitCount).toBe(1);
    });
  });
});
