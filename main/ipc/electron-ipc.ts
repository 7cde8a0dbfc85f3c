/**
 * Electron's IPC in front of the router: every contract channel answered through
 * ipcMain.handle, with the sender described from Electron's own facts (which frame, which
 * webContents) so the router can drop anything that is not our window's top frame. Events go to
 * our window only.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CHANNELS } from '../../shared/bridge/channels.ts';
import { createEventSink, type EventSink } from './event-sink.ts';
import type { Router, Sender } from './router.ts';

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

export function senderOf(event: SenderEvent, window: BrowserWindow): Sender {
  const frame = event.senderFrame;
  return {
    url: frame?.url ?? '',
    isMainFrame:
      frame !== null &&
      !window.isDestroyed() &&
      event.sender === window.webContents &&
      frame === event.sender.mainFrame,
  };
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpc(router: Router, window: BrowserWindow): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) =>
      router.invoke(senderOf(event, window), channel, args),
    );
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}

export function createWindowEventSink(
  window: BrowserWindow,
  onDropped?: Parameters<typeof createEventSink>[1],
): EventSink {
  return createEventSink((event, payload) => {
    if (window.isDestroyed() || window.webContents.isDestroyed()) return;
    window.webContents.send(event, payload);
  }, onDropped);
}
