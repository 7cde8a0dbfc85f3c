/**
 * The test host's preload: gives the page the same `window.advisor` the Electron preload gives,
 * built by the same buildApi from the same channel names, but carried by a Playwright binding to
 * the real main-process router running in this Node process.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { buildApi } from '../../shared/bridge/api.ts';
import { CHANNELS, EVENTS, type BridgeEvent } from '../../shared/bridge/channels.ts';
import type { Router } from '../../main/ipc/router.ts';

declare global {
  interface Window {
    __advisorInvoke?: (channel: string, args: unknown[]) => Promise<unknown>;
    __advisorEmit?: (event: string, payload: unknown) => void;
  }
}

/** Bytes cross the binding as a plain index → value object; give main the Uint8Array it expects. */
function revive(args: unknown): unknown {
  if (!Array.isArray(args)) return args;
  return args.map((arg: unknown) =>
    arg && typeof arg === 'object' && '__bytes' in arg
      ? Uint8Array.from(Buffer.from(String(arg.__bytes), 'base64'))
      : arg,
  );
}

/** What crosses the bridge, for a bench's timeline (bench/support/meeting-trace.ts); unset in tests. */
export const bridgeWatch: {
  observe?: (
    page: Page,
    what: 'invoked' | 'answered' | 'delivering' | 'delivered',
    detail: string,
  ) => void;
} = {};

/** `signal:send` / `signal:event` name their socket event: the detail a timeline needs. */
function signalName(channelOrEvent: string, payload: unknown): string {
  const event = (payload as { event?: unknown } | null)?.event;
  return typeof event === 'string' ? `${channelOrEvent} ${event}` : channelOrEvent;
}

export async function installBridge(
  context: BrowserContext,
  page: Page,
  router: Router,
): Promise<void> {
  await context.exposeBinding(
    '__advisorInvoke',
    async ({ frame }, channel: string, args: unknown) => {
      const detail = signalName(channel, Array.isArray(args) ? args[0] : undefined);
      bridgeWatch.observe?.(page, 'invoked', detail);
      try {
        return await router.invoke(
          { url: frame.url(), isMainFrame: frame === page.mainFrame() },
          channel,
          revive(args),
        );
      } finally {
        bridgeWatch.observe?.(page, 'answered', detail);
      }
    },
  );
  await context.addInitScript({
    content: `(() => {
      const buildApi = ${buildApi.toString()};
      const listeners = new Map();
      const invoke = window.__advisorInvoke;
      window.__advisorEmit = (event, payload) => {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      };
      // Typed arrays do not survive the binding: send bytes as base64 (the Electron preload sends them as they are).
      const encode = (value) => {
        if (!(value instanceof Uint8Array)) return value;
        let text = '';
        for (let i = 0; i < value.length; i += 0x8000) text += String.fromCharCode(...value.subarray(i, i + 0x8000));
        return { __bytes: btoa(text) };
      };
      const api = buildApi(${JSON.stringify(CHANNELS)}, ${JSON.stringify(EVENTS)}, {
        invoke: (channel, args) => invoke(channel, args.map(encode)),
        subscribe: (event, listener) => {
          const set = listeners.get(event) ?? new Set();
          set.add(listener);
          listeners.set(event, set);
          return () => set.delete(listener);
        },
      });
      Object.defineProperty(window, 'advisor', { value: Object.freeze(api), enumerable: true });
    })();`,
  });
}

/** Delivers a main → renderer event into the page (what webContents.send does in the app). */
export function pageSink(page: Page) {
  return (event: BridgeEvent, payload: unknown): void => {
    const detail = signalName(event, payload);
    bridgeWatch.observe?.(page, 'delivering', detail);
    void page
      .evaluate(([e, p]) => window.__advisorEmit?.(e, p), [event, payload] as const)
      .then(() => bridgeWatch.observe?.(page, 'delivered', detail))
      .catch(() => undefined); // the page may be navigating or closed
  };
}
