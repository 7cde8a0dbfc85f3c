/**
 * The sandboxed preload: `window.advisor`, built from the contract's names by the same buildApi
 * the test host uses. Only named functions and `on` cross into the page; ipcRenderer and the IPC
 * event object never do.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi, type BridgeTransport } from '../shared/bridge/api.ts';
import { CHANNELS, EVENTS } from '../shared/bridge/channels.ts';

const transport: BridgeTransport = {
  invoke: (channel, args) => ipcRenderer.invoke(channel, ...args) as Promise<unknown>,
  subscribe(event, listener) {
    // The page gets the payload only; the event object would reach ipcRenderer through `sender`.
    const wrapper = (_event: IpcRendererEvent, payload: unknown) => {
      listener(payload);
    };
    ipcRenderer.on(event, wrapper);
    return () => {
      ipcRenderer.removeListener(event, wrapper);
    };
  },
};

contextBridge.exposeInMainWorld('advisor', buildApi(CHANNELS, EVENTS, transport));
