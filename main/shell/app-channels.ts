/**
 * The app:* channels: version/platform, the call state (keeps the display awake and arms the
 * quit guard), and the OS notifications of an incoming call and of a client waiting in the
 * lobby, when the window is in the background.
 *
 * Electron-free at run time (its parts come in as deps) so the browser test host uses it as is.
 */
import type { Notification, NotificationConstructorOptions, PowerSaveBlocker } from 'electron';
import type { EventSink } from '../ipc/event-sink.ts';
import type { Router } from '../ipc/router.ts';

export interface PowerSave {
  start(): number;
  stop(id: number): void;
}

export interface AppChannelsDeps {
  version: string;
  platform: string;
  powerSave: PowerSave;
  /** Shows an OS notification; false when the OS cannot show one. */
  notify: (title: string, body: string, onClick: () => void) => boolean;
  isWindowFocused: () => boolean;
  /** Brings the window forward (after a notification click). */
  focusWindow?: () => void;
  /** Told when a call ends (an update that waited for it installs then). */
  onCallEnded?: () => void;
  sink: EventSink;
}

export interface CallState {
  inCall: boolean;
  peerName: string | null;
}

export interface AppChannels {
  /** For the quit guard. */
  isInCall(): boolean;
  callState(): CallState;
  /**
   * The page went away (its renderer crashed): what it said about its call no longer holds.
   * Returns whether it was in one.
   */
  pageGone(): boolean;
  /** Releases the power-save blocker, if one is held. */
  dispose(): void;
}

export function registerAppChannels(router: Router, deps: AppChannelsDeps): AppChannels {
  let state: CallState = { inCall: false, peerName: null };
  let blocker: number | null = null;

  const release = () => {
    if (blocker !== null) deps.powerSave.stop(blocker);
    blocker = null;
  };

  router.handle('app:info', () => ({ version: deps.version, platform: deps.platform }));
  router.handle('app:set-call-state', ({ inCall, peerName }) => {
    const ended = state.inCall && !inCall;
    state = { inCall, peerName: inCall ? peerName : null };
    if (ended) deps.onCallEnded?.();
    // The screen must not sleep while someone watches it.
    if (inCall && blocker === null) blocker = deps.powerSave.start();
    if (!inCall) release();
    return null;
  });
  router.handle('app:notify-incoming-call', ({ callId, callerName }) => {
    // In front, the app's own ringing screen is enough.
    if (deps.isWindowFocused()) return { shown: false };
    const shown = deps.notify('Incoming call', `${callerName} is calling you.`, () => {
      deps.focusWindow?.();
      deps.sink('app:incoming-call-clicked', { callId });
    });
    return { shown };
  });
  router.handle('app:notify-guest-waiting', ({ guestId, name }) => {
    // In front, the app's own notice (with Admit and Deny) is enough.
    if (deps.isWindowFocused()) return { shown: false };
    const shown = deps.notify('A client is waiting', `${name} is waiting to join.`, () => {
      deps.focusWindow?.();
      deps.sink('app:guest-waiting-clicked', { guestId });
    });
    return { shown };
  });

  return {
    isInCall: () => state.inCall,
    callState: () => ({ ...state }),
    pageGone() {
      const wasInCall = state.inCall;
      state = { inCall: false, peerName: null };
      release();
      return wasInCall;
    },
    dispose: release,
  };
}

/** powerSave from Electron's powerSaveBlocker: keep the display on (not just the CPU). */
export function electronPowerSave(
  blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>,
): PowerSave {
  return {
    start: () => blocker.start('prevent-display-sleep'),
    stop: (id) => {
      if (blocker.isStarted(id)) blocker.stop(id);
    },
  };
}

interface NotificationClass {
  isSupported(): boolean;
  new (options: NotificationConstructorOptions): Pick<Notification, 'on' | 'show'>;
}

/** notify from Electron's Notification class. */
export function electronNotifier(NotificationCtor: NotificationClass): AppChannelsDeps['notify'] {
  // Held until clicked or closed: a collected notification loses its click handler.
  const live = new Set<Pick<Notification, 'on' | 'show'>>();
  return (title, body, onClick) => {
    if (!NotificationCtor.isSupported()) return false;
    const notification = new NotificationCtor({ title, body });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      onClick();
    });
    notification.on('close', () => {
      live.delete(notification);
    });
    notification.show();
    return true;
  };
}
