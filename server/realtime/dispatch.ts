/**
 * Every client event passes here first: rate limit, schema, handler, then one answer to the
 * sender — through the acknowledgement when the client asked for one, and as `call-error` when
 * the message was refused. Nothing a client sends can throw out of here.
 */
import type { Socket } from 'socket.io';
import type { Ack, ClientEventName } from '../../shared/protocol/signaling.ts';
import { clientEvents } from '../../shared/protocol/signaling.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { Logger } from '../log.ts';
import type { Sender } from '../calls/call-rules.ts';
import { Refusal } from './refusal.ts';

/** Handles one event for a sender; resolves with the call id the acknowledgement carries, if any. */
export type SenderHandler = (sender: Sender, payload: never) => Promise<string | undefined>;
export type Handlers = Partial<Record<ClientEventName, SenderHandler>>;

/**
 * `handlers` are shared by every socket (a closure per event per socket cost ~3 KiB of each
 * idle socket); each receives this socket's `sender`.
 */
export function dispatch(
  socket: Socket,
  sender: Sender,
  handlers: Handlers,
  deps: {
    limiter: RateLimiter;
    log: Logger;
    /**
     * When set, only these events are handled; any other (known or not) is refused as
     * not-allowed with `refusal` (a guest's socket: see server/guests/guest-events.ts).
     */
    only?: { events: ReadonlySet<string>; refusal: string };
    /**
     * Messages held while earlier ones are handled (each may wait on Redis); past it, each new
     * message is refused at once with `server-busy`, so that an outage costs bounded memory and
     * the sender learns what was not sent. Unbounded when absent.
     */
    maxPending?: number;
  },
): void {
  const answer = (event: string, ack: unknown, result: Ack): void => {
    if (!result.ok) {
      socket.emit('call-error', { ...result.error, event });
    }
    if (typeof ack === 'function') (ack as (a: Ack) => void)(result);
  };

  const refuse = (event: string, ack: unknown, error: unknown): void => {
    if (error instanceof Refusal) {
      deps.log('socket.refused-message', { event, code: error.code });
      answer(event, ack, { ok: false, error: { code: error.code, message: error.message } });
      return;
    }
    deps.log('socket.handler-error', { event, error: (error as Error).name });
    answer(event, ack, { ok: false, error: { code: 'internal', message: 'The server failed.' } });
  };

  // One after another per socket: with a shared (Redis) registry each message awaits round trips,
  // and a sender's messages must still reach the peer in the order they were sent.
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  // Logged once each time the queue fills, not once per refused message.
  let full = false;
  const busy = (name: string, ack: unknown, allowed: Promise<boolean>): void => {
    if (!full) {
      full = true;
      deps.log('socket.queue-full', { socketId: socket.id, held: pending });
    }
    void allowed.then((ok) => {
      answer(name.slice(0, 64), ack, {
        ok: false,
        error: ok
          ? {
              code: 'server-busy',
              message: 'The server is still handling your earlier messages; this one was not sent.',
            }
          : { code: 'rate-limited', message: 'Too many messages; slow down.' },
      });
    });
  };

  const handle = async (
    name: string,
    payload: unknown,
    ack: unknown,
    allowed: Promise<boolean>,
  ): Promise<void> => {
    if (deps.only && !deps.only.events.has(name)) {
      const code = (await allowed) ? 'not-allowed' : 'rate-limited';
      const message = code === 'not-allowed' ? deps.only.refusal : 'Too many messages; slow down.';
      answer(name.slice(0, 64), ack, { ok: false, error: { code, message } });
      return;
    }
    const handler = Object.hasOwn(handlers, name) ? handlers[name as ClientEventName] : undefined;
    if (!handler) {
      answer(name.slice(0, 64), ack, {
        ok: false,
        error: { code: 'unknown-event', message: 'The server does not know that event.' },
      });
      return;
    }
    if (!(await allowed)) {
      answer(name, ack, {
        ok: false,
        error: { code: 'rate-limited', message: 'Too many messages; slow down.' },
      });
      return;
    }
    const parsed = clientEvents[name as ClientEventName].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'payload';
      answer(name, ack, {
        ok: false,
        error: { code: 'invalid-payload', message: `Invalid ${where}: ${issue?.message ?? ''}` },
      });
      return;
    }
    const callId = await handler(sender, parsed.data as never);
    answer(name, ack, callId ? { ok: true, callId } : { ok: true });
  };

  // One listener for every event (not one per event per socket): less memory per idle socket.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const name = typeof event === 'string' ? event : '';
    let [payload, ack] = args;
    // A client may send an ack in the payload's place.
    if (typeof payload === 'function') {
      ack = payload;
      payload = undefined;
    }
    const known = Object.hasOwn(handlers, name);
    if (!known) ack = args.at(-1);
    // The budget is spent on arrival, so a flood is refused at once rather than queued. On a
    // restricted socket (deps.only) every message spends it: refusing must not be a free flood.
    const spends = known || deps.only !== undefined;
    const allowed = spends ? deps.limiter.take(socket.id) : Promise.resolve(true);
    if (pending >= (deps.maxPending ?? Infinity)) {
      busy(name, ack, allowed);
      return;
    }
    pending++;
    queue = queue.then(() =>
      handle(name, payload, ack, allowed)
        .catch((error: unknown) => {
          refuse(name, ack, error);
        })
        .finally(() => {
          if (--pending === 0) full = false;
        }),
    );
  });
}
