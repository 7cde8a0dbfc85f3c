import { beforeAll, describe, expect, it, vi } from 'vitest';

// The one shared electron mock (main/testing); a test-only wiring, not a product import.
vi.mock('electron', () => import('../main/testing/electron-mock.ts'));

import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, EVENTS } from '../shared/bridge/channels.ts';

type Api = Record<string, unknown> & {
  on: (event: string, listener: (payload: unknown) => void) => () => void;
};

let api: Api;
const invoke = vi.spyOn(ipcRenderer, 'invoke');

beforeAll(async () => {
  const exposeInMainWorld = vi.spyOn(contextBridge, 'exposeInMainWorld');
  await import('./index.ts');
  expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, exposed] = exposeInMainWorld.mock.calls[0]!;
  expect(key).toBe('advisor');
  api = exposed as Api;
});

const camel = (verb: string) => verb.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

describe('preload bridge', () => {
  it('exposes one group per domain plus on, and nothing else', () => {
    const domains = [...new Set(CHANNELS.map((c) => c.split(':')[0]!))];
    expect(Object.keys(api).sort()).toStrictEqual([...domains, 'on'].sort());
    expect(api.on).toBeTypeOf('function');
  });

  it('has exactly one named function per channel', () => {
    for (const domain of Object.keys(api).filter((k) => k !== 'on')) {
      const group = api[domain] as Record<string, unknown>;
      const expected = CHANNELS.filter((c) => c.startsWith(`${domain}:`)).map((c) =>
        camel(c.split(':')[1]!),
      );
      expect(Object.keys(group).sort()).toStrictEqual(expected.sort());
      for (const fn of Object.values(group)) expect(fn).toBeTypeOf('function');
    }
  });

  it('never hands out ipcRenderer or any of its methods', () => {
    const forbidden = new Set<unknown>([ipcRenderer]);
    for (
      let layer: object | null = ipcRenderer;
      layer && layer !== Object.prototype;
      layer = Object.getPrototypeOf(layer) as object | null
    ) {
      for (const key of Object.getOwnPropertyNames(layer))
        forbidden.add(Reflect.get(ipcRenderer, key));
    }
    expect(forbidden.has(Reflect.get(ipcRenderer, 'invoke'))).toBe(true);
    expect(forbidden.has(Reflect.get(ipcRenderer, 'on'))).toBe(true);
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (
        value === null ||
        (typeof value !== 'object' && typeof value !== 'function') ||
        seen.has(value)
      )
        return;
      seen.add(value);
      expect(forbidden.has(value)).toBe(false);
      if (typeof value === 'object') for (const child of Object.values(value)) walk(child);
    };
    walk(api);
    expect(seen.size).toBeGreaterThan(CHANNELS.length);
  });

  it('invokes the channel with the arguments spread, and returns the answer', async () => {
    const session = api.session as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const input = { serverUrl: 'https://advisor.example.com', username: 'avery', password: 'pw' };
    const answer = await session.signIn!(input);
    expect(invoke).toHaveBeenLastCalledWith('session:sign-in', input);
    expect(answer).toStrictEqual({
      ok: true,
      value: { channel: 'session:sign-in', args: [input] },
    });

    const screen = api.screen as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await screen.listSources!({ kinds: ['screen'] });
    expect(invoke).toHaveBeenLastCalledWith('screen:list-sources', {
      kinds: ['screen'],
    });
    await (api.app as Record<string, () => Promise<unknown>>).info!();
    expect(invoke).toHaveBeenLastCalledWith('app:info');
  });

  it('delivers event payloads only (never the IPC event) and unsubscribes exactly that listener', () => {
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.on('session:changed', first);
    const stopSecond = api.on('session:changed', second);
    expect(ipcRenderer.listenerCount('session:changed')).toBe(2);

    const ipcEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
    ipcRenderer.emit('session:changed', ipcEvent, { status: 'signed-out' });
    expect(first).toHaveBeenCalledExactlyOnceWith({ status: 'signed-out' });
    expect(second).toHaveBeenCalledTimes(1);

    stopFirst();
    expect(ipcRenderer.listenerCount('session:changed')).toBe(1);
    ipcRenderer.emit('session:changed', ipcEvent, { status: 'signed-in' });
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenLastCalledWith({ status: 'signed-in' });

    stopSecond();
    stopSecond();
    expect(ipcRenderer.listenerCount('session:changed')).toBe(0);
  });

  it('accepts only contract events and function listeners', () => {
    expect(() => api.on('not-an-event', () => undefined)).toThrow(/Unknown bridge event/);
    expect(() => api.on(EVENTS[0], 'x' as unknown as () => void)).toThrow(/listener/);
    expect(ipcRenderer.listenerCount('not-an-event')).toBe(0);
  });
});
