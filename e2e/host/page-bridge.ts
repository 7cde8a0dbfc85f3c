/**
 * The test host's preload: gives the page the same `window.advisor` the Electron preload gives,
 * built by the same buildApi from the same channel names, carried to the real main-process router
 * in this Node process by a WebSocket on the renderer's own origin (the production CSP's
 * `connect-src 'self'` allows it; static-server.ts hands the upgrade here). Electron's IPC is a
 * structured clone between two processes; a Playwright binding (what this was) cost the page a
 * CDP round trip and Playwright's serializer per message: 56 ms of the newcomer's main thread in
 * one 4-person set-up, a cost the app in Electron does not have.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BrowserContext, Page } from '@playwright/test';
import { WebSocketServer, type RawData, type WebSocket as HostSocket } from 'ws';
import { buildApi } from '../../shared/bridge/api.ts';
import { CHANNELS, EVENTS, type BridgeEvent } from '../../shared/bridge/channels.ts';
import type { Router } from '../../main/ipc/router.ts';

declare global {
  interface Window {
    __advisorEmit?: (event: string, payload: unknown) => void;
  }
}

const BRIDGE_PATH = '/__test-host-bridge';
/** Events sent while the page has no open bridge (loading, reloading) wait, up to this many. */
const MAX_WAITING = 1000;

/** One page's end of the bridge: the router it reaches and the socket its document opened. */
interface PageLink {
  page: Page;
  router: Router | null;
  socket: HostSocket | null;
  waiting: string[];
}

const linksByToken = new Map<string, PageLink>();
const linksByPage = new WeakMap<Page, PageLink>();
const sockets = new WebSocketServer({ noServer: true });

function linkOf(page: Page): PageLink {
  let link = linksByPage.get(page);
  if (!link) {
    link = { page, router: null, socket: null, waiting: [] };
    linksByPage.set(page, link);
  }
  return link;
}

/** Bytes cross as base64; give main the Uint8Array it expects. */
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

interface Invocation {
  id: number;
  channel: string;
  args: unknown;
  /** The document's URL, for the router's sender check (only a main frame opens a bridge). */
  url: string;
}

async function answer(link: PageLink, socket: HostSocket, call: Invocation) {
  const { page } = link;
  const detail = signalName(call.channel, Array.isArray(call.args) ? call.args[0] : undefined);
  bridgeWatch.observe?.(page, 'invoked', detail);
  const result = await link.router!.invoke(
    { url: call.url, isMainFrame: true },
    call.channel,
    revive(call.args),
  );
  bridgeWatch.observe?.(page, 'answered', detail);
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ id: call.id, result }));
}

/** A text message as ws hands it over (a Buffer: nothing here sends binary frames). */
const text = (data: RawData): string => (data as Buffer).toString('utf8');

/** A page's document opened its bridge: it is where this page's events go from now on. */
function attach(link: PageLink, socket: HostSocket): void {
  link.socket?.close();
  link.socket = socket;
  for (const waiting of link.waiting.splice(0)) socket.send(waiting);
  socket.on('message', (data) => {
    void answer(link, socket, JSON.parse(text(data)) as Invocation);
  });
  socket.on('close', () => {
    if (link.socket === socket) link.socket = null;
  });
}

/** The static server's upgrade requests: a page's bridge, which names its page first. */
export function acceptBridge(request: IncomingMessage, socket: Duplex, head: Buffer): void {
  if (request.url !== BRIDGE_PATH) {
    socket.destroy();
    return;
  }
  sockets.handleUpgrade(request, socket, head, (ws) => {
    ws.once('message', (token) => {
      const link = linksByToken.get(text(token));
      if (link) attach(link, ws);
      else ws.close();
    });
  });
}

/** The page-side half, run in each new document: `window.advisor` over the bridge's socket. */
function pageSide(
  token: string,
  path: string,
  channels: Parameters<typeof buildApi>[0],
  events: Parameters<typeof buildApi>[1],
): void {
  // As the Electron preload: the window's main frame only, and only a page served to it.
  if (window !== window.top || location.protocol !== 'http:') return;
  const w = window as unknown as { advisor: unknown; __advisorEmit: Window['__advisorEmit'] };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  w.__advisorEmit = (event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  const pending = new Map<number, (result: unknown) => void>();
  const outbox = [token];
  let nextId = 0;
  const socket = new WebSocket(`ws://${location.host}${path}`);
  socket.onopen = () => {
    for (const text of outbox.splice(0)) socket.send(text);
  };
  socket.onmessage = ({ data }: MessageEvent<string>) => {
    const message = JSON.parse(data) as {
      id?: number;
      result?: unknown;
      event?: string;
      payload?: unknown;
    };
    if (message.id === undefined) {
      // Looked up each time: a bench's timeline wraps it (bench/support/meeting-trace.ts).
      w.__advisorEmit?.(message.event!, message.payload);
      return;
    }
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  };
  const send = (text: string) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(text);
    else outbox.push(text);
  };
  // Typed arrays do not survive JSON: send bytes as base64 (the Electron preload sends them as they are).
  const encode = (value: unknown) => {
    if (!(value instanceof Uint8Array)) return value;
    let text = '';
    for (let i = 0; i < value.length; i += 0x8000)
      text += String.fromCharCode(...value.subarray(i, i + 0x8000));
    return { __bytes: btoa(text) };
  };
  const api = BUILD_API(channels, events, {
    invoke: (channel: string, args: unknown[]) =>
      new Promise((resolve) => {
        const id = ++nextId;
        pending.set(id, resolve);
        send(JSON.stringify({ id, channel, args: args.map(encode), url: location.href }));
      }),
    subscribe: (event: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  });
  Object.defineProperty(w, 'advisor', { value: Object.freeze(api), enumerable: true });
}
/** buildApi's own source, put beside pageSide's in the init script (a page cannot import). */
declare const BUILD_API: typeof buildApi;

export async function installBridge(
  context: BrowserContext,
  page: Page,
  router: Router,
): Promise<void> {
  const link = linkOf(page);
  link.router = router;
  const token = randomUUID();
  linksByToken.set(token, link);
  page.once('close', () => {
    linksByToken.delete(token);
    link.socket?.close();
  });
  // A new document is on its way (a reload): from now on events wait for its bridge, as they
  // would reach it in Electron, rather than go to the one unloading.
  page.on('request', (request) => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    link.socket?.close();
    link.socket = null;
  });
  const args = [token, BRIDGE_PATH, CHANNELS, EVENTS].map((a) => JSON.stringify(a)).join(', ');
  await context.addInitScript({
    content: `(() => { const BUILD_API = ${buildApi.toString()}; (${pageSide.toString()})(${args}); })();`,
  });
}

/** Delivers a main → renderer event into the page (what webContents.send does in the app). */
export function pageSink(page: Page) {
  const link = linkOf(page);
  return (event: BridgeEvent, payload: unknown): void => {
    const detail = signalName(event, payload);
    bridgeWatch.observe?.(page, 'delivering', detail);
    const text = JSON.stringify({ event, payload });
    const socket = link.socket;
    if (socket && socket.readyState === socket.OPEN) {
      socket.send(text, () => bridgeWatch.observe?.(page, 'delivered', detail));
    } else if (link.waiting.length < MAX_WAITING) {
      link.waiting.push(text);
    }
  };
}
