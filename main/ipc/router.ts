/**
 * The one IPC router of main. Transport-free: Electron's ipcMain (main/ipc/electron-ipc.ts) and
 * the browser test host (e2e/host) both hand it (sender, channel, raw args). It drops senders
 * that are not our own page, validates arguments against the contract, runs the handler, and
 * answers a Result whose errors carry only a code and a plain message.
 */
import type { z } from 'zod';
import { CHANNELS, type Channel } from '../../shared/bridge/channels.ts';
import { contract, type ChannelArgs, type ChannelResult } from '../../shared/bridge/contract.ts';
import { BridgeFailure, type Result } from '../../shared/bridge/results.ts';

export interface Sender {
  /** URL of the frame that sent the message. */
  url: string;
  /** True for the top frame of our own window (not a subframe, not another window). */
  isMainFrame: boolean;
}

export type Handler<C extends Channel> = (
  ...args: ChannelArgs<C>
) => Promise<ChannelResult<C>> | ChannelResult<C>;

export interface Router {
  handle<C extends Channel>(channel: C, handler: Handler<C>): void;
  invoke(sender: Sender, channel: string, args: unknown): Promise<Result<unknown>>;
  /** Channels of the contract that no feature registered (a startup check). */
  unhandled(): Channel[];
}

export interface RouterOptions {
  /** The origin our renderer is served from, e.g. `app://advisor` (or the test host's). */
  trustedOrigin: string;
  /** Called with internal errors; never with arguments (they may hold a password). */
  onInternalError?: (channel: string, error: unknown) => void;
}

function fail(code: BridgeFailure['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Custom schemes have an opaque origin ("null"); compare scheme + host instead.
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** Renderer-supplied text (keys, paths) in an answer is cut short: the answer stays small. */
const MAX_MESSAGE_CHARS = 300;
const short = (text: string, max = 64) => (text.length > max ? `${text.slice(0, max)}…` : text);

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid arguments.';
  const where = issue.path.length > 0 ? ` (${short(issue.path.map(String).join('.'))})` : '';
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${issue.keys
          .slice(0, 5)
          .map((key) => `"${short(key)}"`)
          .join(', ')}${issue.keys.length > 5 ? ' and more' : ''}`
      : issue.message;
  return short(`${message}${where}`, MAX_MESSAGE_CHARS);
}

export function createRouter(options: RouterOptions): Router {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();

  return {
    handle(channel, handler) {
      if (handlers.has(channel)) throw new Error(`${channel} is registered twice`);
      handlers.set(channel, handler as (...args: unknown[]) => unknown);
    },
    unhandled: () => CHANNELS.filter((channel) => !handlers.has(channel)),
    async invoke(sender, channel, args) {
      if (!sender.isMainFrame || originOf(sender.url) !== options.trustedOrigin) {
        return fail('bad-sender', 'This message did not come from the app window.');
      }
      const handler = Object.hasOwn(contract, channel) ? handlers.get(channel) : undefined;
      if (!handler) return fail('unknown-channel', `No such channel: ${channel.slice(0, 64)}`);
      const parsed = contract[channel as Channel].args.safeParse(args);
      if (!parsed.success) return fail('invalid-arguments', describe(parsed.error));
      try {
        const value = await handler(...(parsed.data as unknown[]));
        return { ok: true, value: value ?? null };
      } catch (error) {
        if (error instanceof BridgeFailure) return fail(error.code, error.message);
        options.onInternalError?.(channel, error);
        return fail(
          'internal',
          'Something went wrong in the app. Try again; if it persists, restart the app.',
        );
      }
    },
  };
}
