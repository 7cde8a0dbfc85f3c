import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { Notification, powerSaveBlocker } from 'electron';
import { createEventSink } from '../ipc/event-sink.ts';
import { createRouter } from '../ipc/router.ts';
import {
  MockNotification,
  electronMock,
  powerSaveBlocker as recordedPowerSave,
  resetElectronMock,
} from '../testing/electron-mock.ts';
import { electronNotifier, electronPowerSave, registerAppChannels } from './app-channels.ts';

const sender = { url: 'app://advisor/index.html', isMainFrame: true };
const CALL_ID = 'call_0123456789';

function setup(options: { focused?: boolean; notifyResult?: boolean } = {}) {
  const router = createRouter({ trustedOrigin: 'app://advisor' });
  const delivered: { event: string; payload: unknown }[] = [];
  const sink = createEventSink((event, payload) => delivered.push({ event, payload }));
  let nextId = 10;
  const powerSave = { start: vi.fn(() => nextId++), stop: vi.fn() };
  const clicks: (() => void)[] = [];
  const notify = vi.fn((_title: string, _body: string, onClick: () => void) => {
    clicks.push(onClick);
    return options.notifyResult ?? true;
  });
  const focusWindow = vi.fn();
  const onCallEnded = vi.fn();
  let focused = options.focused ?? false;
  const app = registerAppChannels(router, {
    version: '1.2.3',
    platform: 'darwin',
    powerSave,
    notify,
    isWindowFocused: () => focused,
    focusWindow,
    onCallEnded,
    sink,
  });
  const call = (channel: string, ...args: unknown[]) => router.invoke(sender, channel, args);
  return {
    app,
    call,
    delivered,
    powerSave,
    notify,
    clicks,
    focusWindow,
    onCallEnded,
    setFocused: (value: boolean) => {
      focused = value;
    },
  };
}

beforeEach(() => {
  resetElectronMock();
});

describe('app:info', () => {
  it('answers version and platform', async () => {
    const { call } = setup();
    expect(await call('app:info')).toStrictEqual({
      ok: true,
      value: { version: '1.2.3', platform: 'darwin' },
    });
  });
});

describe('app:set-call-state', () => {
  it('keeps the display awake during a call and lets it sleep after', async () => {
    const { app, call, powerSave } = setup();
    expect(app.isInCall()).toBe(false);
    expect(
      await call('app:set-call-state', { inCall: true, peerName: 'Blake Tester' }),
    ).toStrictEqual({ ok: true, value: null });
    expect(powerSave.start).toHaveBeenCalledTimes(1);
    expect(app.isInCall()).toBe(true);
    expect(app.callState()).toStrictEqual({ inCall: true, peerName: 'Blake Tester' });

    // A second "in call" (e.g. the peer's name arrived) does not start a second blocker.
    await call('app:set-call-state', { inCall: true, peerName: 'Blake T.' });
    expect(powerSave.start).toHaveBeenCalledTimes(1);
    expect(powerSave.stop).not.toHaveBeenCalled();

    await call('app:set-call-state', { inCall: false, peerName: null });
    expect(powerSave.stop).toHaveBeenCalledExactlyOnceWith(10);
    expect(app.isInCall()).toBe(false);
    expect(app.callState()).toStrictEqual({ inCall: false, peerName: null });

    await call('app:set-call-state', { inCall: false, peerName: null });
    expect(powerSave.stop).toHaveBeenCalledTimes(1);
  });

  it('says when a call ends, once, and not for a call that never started', async () => {
    const { call, onCallEnded } = setup();
    await call('app:set-call-state', { inCall: false, peerName: null });
    expect(onCallEnded).not.toHaveBeenCalled();
    await call('app:set-call-state', { inCall: true, peerName: 'Blake Tester' });
    await call('app:set-call-state', { inCall: true, peerName: 'Blake Tester' });
    expect(onCallEnded).not.toHaveBeenCalled();
    await call('app:set-call-state', { inCall: false, peerName: null });
    await call('app:set-call-state', { inCall: false, peerName: null });
    expect(onCallEnded).toHaveBeenCalledTimes(1);
  });

  it('forgets the call of a page that went (crashed, reloaded), and says whether there was one', async () => {
    const { app, call, powerSave, onCallEnded } = setup();
    expect(app.pageGone()).toBe(false);
    await call('app:set-call-state', { inCall: true, peerName: 'Blake Tester' });
    expect(app.pageGone()).toBe(true);
    expect(app.isInCall()).toBe(false);
    expect(powerSave.stop).toHaveBeenCalledExactlyOnceWith(10);
    // Not an ending an update may install on: the page is rung back into that call.
    expect(onCallEnded).not.toHaveBeenCalled();
    expect(app.pageGone()).toBe(false);
  });

  it('releases the blocker on dispose', async () => {
    const { app, call, powerSave } = setup();
    await call('app:set-call-state', { inCall: true, peerName: null });
    app.dispose();
    expect(powerSave.stop).toHaveBeenCalledExactlyOnceWith(10);
  });

  it('validates the arguments', async () => {
    const { call, powerSave } = setup();
    expect(await call('app:set-call-state', { inCall: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(powerSave.start).not.toHaveBeenCalled();
  });
});

describe('app:notify-incoming-call', () => {
  it('shows nothing while the window is in front, and does once it is not', async () => {
    const { call, notify, setFocused } = setup({ focused: true });
    const incoming = { callId: CALL_ID, callerName: 'Avery Tester' };
    expect(await call('app:notify-incoming-call', incoming)).toStrictEqual({
      ok: true,
      value: { shown: false },
    });
    expect(notify).not.toHaveBeenCalled();
    setFocused(false);
    expect(await call('app:notify-incoming-call', incoming)).toStrictEqual({
      ok: true,
      value: { shown: true },
    });
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('notifies in the background; a click focuses the window and tells the renderer', async () => {
    const { call, notify, clicks, focusWindow, delivered } = setup({ focused: false });
    expect(
      await call('app:notify-incoming-call', { callId: CALL_ID, callerName: 'Avery Tester' }),
    ).toStrictEqual({
      ok: true,
      value: { shown: true },
    });
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify.mock.calls[0]![0]).toBe('Incoming call');
    expect(notify.mock.calls[0]![1]).toContain('Avery Tester');
    expect(delivered).toStrictEqual([]);
    clicks[0]!();
    expect(focusWindow).toHaveBeenCalledTimes(1);
    expect(delivered).toStrictEqual([
      { event: 'app:incoming-call-clicked', payload: { callId: CALL_ID } },
    ]);
  });

  it('says when the OS could not show it', async () => {
    const { call } = setup({ notifyResult: false });
    expect(
      await call('app:notify-incoming-call', { callId: CALL_ID, callerName: 'Avery' }),
    ).toStrictEqual({
      ok: true,
      value: { shown: false },
    });
  });
});

describe('app:notify-guest-waiting', () => {
  const GUEST = 'guest-AAAAAAAAAAAAAAAAAAAAAA';

  it('shows nothing while the window is in front', async () => {
    const { call, notify } = setup({ focused: true });
    expect(
      await call('app:notify-guest-waiting', { guestId: GUEST, name: 'Casey Client' }),
    ).toStrictEqual({ ok: true, value: { shown: false } });
    expect(notify).not.toHaveBeenCalled();
  });

  it('notifies in the background; a click focuses the window and names the guest', async () => {
    const { call, notify, clicks, focusWindow, delivered } = setup({ focused: false });
    expect(
      await call('app:notify-guest-waiting', { guestId: GUEST, name: 'Casey Client' }),
    ).toStrictEqual({ ok: true, value: { shown: true } });
    expect(notify.mock.calls[0]!.slice(0, 2)).toStrictEqual([
      'A client is waiting',
      'Casey Client is waiting to join.',
    ]);
    clicks[0]!();
    expect(focusWindow).toHaveBeenCalledTimes(1);
    expect(delivered).toStrictEqual([
      { event: 'app:guest-waiting-clicked', payload: { guestId: GUEST } },
    ]);
  });

  it('refuses a guest id that is not an id', async () => {
    const { call, notify } = setup();
    expect(
      await call('app:notify-guest-waiting', { guestId: '../x', name: 'Casey' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(notify).not.toHaveBeenCalled();
  });
});

describe('Electron adapters', () => {
  it('electronNotifier shows a Notification whose click runs the handler', () => {
    const notify = electronNotifier(Notification);
    const onClick = vi.fn();
    expect(notify('Incoming call', 'Avery Tester is calling you.', onClick)).toBe(true);
    expect(electronMock.notifications).toHaveLength(1);
    const shown = electronMock.notifications[0]!;
    expect(shown.options).toStrictEqual({
      title: 'Incoming call',
      body: 'Avery Tester is calling you.',
    });
    expect(shown.shown).toBe(true);
    expect(onClick).not.toHaveBeenCalled();
    shown.click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('electronNotifier answers false where notifications are unsupported', () => {
    MockNotification.isSupported.mockReturnValue(false);
    expect(electronNotifier(Notification)('t', 'b', () => undefined)).toBe(false);
    expect(electronMock.notifications).toHaveLength(0);
  });

  it('electronPowerSave prevents display sleep and stops only a started blocker', () => {
    const powerSave = electronPowerSave(powerSaveBlocker);
    const id = powerSave.start();
    expect(recordedPowerSave.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect([...electronMock.powerSaveBlockers]).toStrictEqual([[id, 'prevent-display-sleep']]);
    powerSave.stop(id);
    expect(electronMock.powerSaveBlockers.size).toBe(0);
    powerSave.stop(id);
    expect(recordedPowerSave.stop).toHaveBeenCalledTimes(1);
  });
});
