/**
 * The renderer's view of the bridge, `window.advisor`, derived from the contract: one function
 * per channel (`advisor.session.signIn(...)`), each answering a Result, and `on(event, listener)`
 * returning an unsubscribe. No hand-kept typings.
 */
import type { BridgeEvent, Channel } from './channels.ts';
import type { ChannelArgs, ChannelResult, EventPayload } from './contract.ts';
import type { Result } from './results.ts';

type Domain<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string> = C extends `${string}:${infer V}` ? V : never;
type Camel<S extends string> = S extends `${infer H}-${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;
type ChannelFn<C extends Channel> = (...args: ChannelArgs<C>) => Promise<Result<ChannelResult<C>>>;

export type AdvisorApi = {
  [D in Domain<Channel>]: {
    [C in Extract<Channel, `${D}:${string}`> as Camel<VerbOf<C>>]: ChannelFn<C>;
  };
} & {
  on<E extends BridgeEvent>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** How a bridge reaches main: Electron IPC in the app, a Playwright binding in the test host. */
export interface BridgeTransport {
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the api object from the channel and event names. Self-contained on purpose (uses only
 * its arguments), so the test host can ship it into a page as source text.
 */
export function buildApi(
  channels: readonly string[],
  eventNames: readonly string[],
  transport: BridgeTransport,
): unknown {
  const api: Record<string, unknown> = {};
  for (const channel of channels) {
    const [domain = '', verb = ''] = channel.split(':');
    const name = verb.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[name] = (...args: unknown[]) => transport.invoke(channel, args);
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!eventNames.includes(event)) throw new Error(`Unknown bridge event: ${event}`);
    if (typeof listener !== 'function') throw new Error('A listener must be a function.');
    return transport.subscribe(event, listener);
  };
  return api;
}
