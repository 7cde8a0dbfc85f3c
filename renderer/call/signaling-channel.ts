/**
 * Signaling that survives an outage: a message the bridge cannot deliver ('server-unreachable':
 * socket down, or the ack timed out) waits in an outbox and goes out, in order, once the
 * connection is back, so an ICE-restart offer sent during a network switch is not lost. A message
 * the server refused as 'server-busy' waits the same way and goes out again a second later.
 * At-least-once: the receiving engine tolerates duplicates.
 *
 * On a healthy connection messages go out at once, without waiting for earlier acks (the server
 * takes one socket's messages in order): a joiner's candidates must not wait a round trip each.
 * Once one may have been lost, nothing new goes out until every message sent before is settled,
 * so a retry keeps its place (an ICE-restart offer before the candidates that follow it).
 */
import type { CallBridge } from './call-bridge.ts';
import type { OutgoingSignal } from '../../shared/bridge/contract.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';

export interface SignalingChannel {
  /**
   * Sends and resolves with the server's Ack. While signaling is down the message waits and goes
   * out in order once the connection is 'online' again; later sends queue behind it. Resolves
   * null if it was dropped (expired after `maxWaitMs`, drop(), dispose()) or refused by the
   * bridge for another reason than 'server-unreachable' (never retried).
   */
  send(signal: OutgoingSignal): Promise<Ack | null>;
  /** Drops waiting messages that match (e.g. those of a call that ended); their sends resolve null. */
  drop(match: (signal: OutgoingSignal) => boolean): void;
  /** How many messages wait (for the UI / tests). */
  pending(): number;
  dispose(): void;
}

interface Entry {
  seq: number;
  /** The connection it last went out on (see `connection` below). */
  connection: number;
  signal: OutgoingSignal;
  since: number;
  dropped: boolean;
  resolve: (ack: Ack | null) => void;
}

const MAX_WAIT_MS = 60_000;
const SWEEP_MS = 1_000; // how often waiting messages are checked for expiry
const RECHECK_MS = 1_000; // see requeue()

export function createSignalingChannel(
  bridge: Pick<CallBridge, 'signal' | 'on'>,
  options: {
    maxWaitMs?: number;
    now?: () => number;
    /**
     * Runs when the connection comes back, before the outbox goes out: the engine tells the
     * server which call this new socket speaks for (call-resume), or its queued messages
     * would be refused as coming from a socket that is not in the call.
     */
    beforeFlush?: () => Promise<void>;
  } = {},
): SignalingChannel {
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  const now = options.now ?? Date.now;
  const outbox: Entry[] = []; // sorted by seq
  const inFlight = new Set<Entry>();
  let seq = 0;
  // Bumped whenever delivery may have broken (offline, a failed send): messages in flight from
  // an older connection may yet need sending again, before anything new.
  let connection = 0;
  let online = false; // until main tells us (in a moment: status() below)
  let heard = 0; // connection events seen: a late status() answer must not override a newer one
  let disposed = false;
  let recheckTimer: ReturnType<typeof setTimeout> | undefined;

  function setOnline(up: boolean): void {
    if (!up) connection++;
    online = up;
    drain();
  }
  function askStatus(): void {
    const asked = heard;
    const apply = (result: Awaited<ReturnType<typeof bridge.signal.status>>) => {
      // A failed answer (never seen): try; a send that fails waits anyway.
      if (asked === heard && !disposed) setOnline(!result.ok || result.value.status === 'online');
    };
    bridge.signal.status().then(apply, () => undefined);
  }
  const unsubscribe = bridge.on('signal:connection', (state) => {
    heard++;
    const up = state.status === 'online';
    if (!up || online || !options.beforeFlush) {
      setOnline(up);
      return;
    }
    const seen = heard;
    void options
      .beforeFlush()
      .catch(() => undefined)
      .then(() => {
        // A newer connection event decided meanwhile.
        if (seen === heard && !disposed) setOnline(true);
      });
  });
  askStatus();

  /**
   * Sends everything waiting, in order (main emits in call order), but not while messages sent
   * on an older connection are in flight: one of those may yet fail and must then go out again
   * before the rest.
   */
  function drain(): void {
    expire();
    if (!online || [...inFlight].some((entry) => entry.connection !== connection)) return;
    for (const entry of outbox.splice(0)) issue(entry);
  }

  function issue(entry: Entry): void {
    entry.connection = connection;
    inFlight.add(entry);
    void bridge.signal
      .send(entry.signal)
      .catch(() => null)
      .then((result) => {
        inFlight.delete(entry);
        // 'server-busy': the server held too much for this socket (its shared state was away)
        // and refused this one at once: it is worth sending again, like an unreachable server.
        if (result?.ok && !(!result.value.ok && result.value.error.code === 'server-busy'))
          entry.resolve(result.value);
        else if (result?.ok || result?.error.code === 'server-unreachable') requeue(entry);
        else entry.resolve(null); // invalid-arguments, rate-limited…: sending again will not help
        drain();
      });
  }

  /** Puts a message back in its place (by seq); it waits until main says we are online. */
  function requeue(entry: Entry): void {
    if (disposed || entry.dropped) {
      entry.resolve(null);
      return;
    }
    const at = outbox.findIndex((other) => other.seq > entry.seq);
    outbox.splice(at < 0 ? outbox.length : at, 0, entry);
    online = false;
    connection++;
    // If main still says 'online' (an ack timed out on a socket not yet known dead), no event
    // will come: ask again a little later.
    clearTimeout(recheckTimer);
    recheckTimer = setTimeout(askStatus, RECHECK_MS);
  }

  function expire(): void {
    const cutoff = now() - maxWaitMs;
    removeWhere((entry) => entry.since <= cutoff);
  }
  /** Takes waiting messages out of the outbox; their sends resolve null. */
  function removeWhere(match: (entry: Entry) => boolean): void {
    for (const entry of outbox.filter(match)) {
      outbox.splice(outbox.indexOf(entry), 1);
      entry.resolve(null);
    }
  }
  // Messages expire even when nothing else happens (one cheap tick a second).
  const sweepTimer = setInterval(expire, Math.min(SWEEP_MS, maxWaitMs));

  return {
    send(signal) {
      if (disposed) return Promise.resolve(null);
      return new Promise((resolve) => {
        outbox.push({ seq: seq++, connection, signal, since: now(), dropped: false, resolve });
        drain();
      });
    },
    drop(match) {
      for (const entry of inFlight) if (match(entry.signal)) entry.dropped = true;
      removeWhere((entry) => match(entry.signal));
    },
    pending: () => outbox.length,
    dispose() {
      disposed = true;
      unsubscribe();
      clearTimeout(recheckTimer);
      clearInterval(sweepTimer);
      for (const entry of inFlight) entry.dropped = true;
      removeWhere(() => true);
    },
  };
}
