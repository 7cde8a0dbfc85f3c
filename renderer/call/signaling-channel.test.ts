import { describe, expect, it } from 'vitest';
import type { AdvisorApi } from '../../shared/bridge/api.ts';
import type { ConnectionState, OutgoingSignal } from '../../shared/bridge/contract.ts';
import type { BridgeErrorCode, Result } from '../../shared/bridge/results.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { createSignalingChannel } from './signaling-channel.ts';

type Status = ConnectionState['status'];

/**
 * The bridge's signaling seam in memory: `signal.send` answers as main does (server-unreachable
 * while the socket is down), `signal.status` and the `signal:connection` event report the state.
 */
function fakeBridge(initial: Status = 'online') {
  let status: Status = initial;
  /** The socket itself; it can be down before main's event about it arrives. */
  let connected = initial === 'online';
  const listeners = new Set<(state: ConnectionState) => void>();
  const state = (): ConnectionState => ({ status, attempt: 0, message: null });
  const fake = {
    attempts: 0,
    /** What reached the server, in order. */
    delivered: [] as OutgoingSignal[],
    ackFor: (_signal: OutgoingSignal): Ack => ({ ok: true }),
    refuse: null as BridgeErrorCode | null,
    /** The next message reaches the server but its ack never comes back. */
    loseNextAck: false,
    /** The next message reaches the server and its answer waits for `answerHeld`. */
    holdNextAnswer: false,
    answerHeld: (_result: Result<Ack>): void => undefined,
    listeners,
    setConnected(up: boolean) {
      connected = up;
    },
    setStatus(next: Status, { emit = true } = {}) {
      status = next;
      connected = next === 'online';
      if (emit) for (const listener of listeners) listener(state());
    },
  };
  const unreachable = {
    ok: false,
    error: { code: 'server-unreachable', message: 'down' },
  } as const;
  const bridge: Pick<AdvisorApi, 'signal' | 'on'> = {
    signal: {
      status: () => Promise.resolve({ ok: true, value: state() }),
      send: (signal: OutgoingSignal): Promise<Result<Ack>> => {
        fake.attempts++;
        if (fake.refuse) {
          return Promise.resolve({ ok: false, error: { code: fake.refuse, message: 'no' } });
        }
        if (!connected) return Promise.resolve(unreachable);
        fake.delivered.push(signal);
        if (fake.holdNextAnswer) {
          fake.holdNextAnswer = false;
          return new Promise((resolve) => (fake.answerHeld = resolve));
        }
        if (fake.loseNextAck) {
          fake.loseNextAck = false;
          return Promise.resolve(unreachable);
        }
        return Promise.resolve({ ok: true, value: fake.ackFor(signal) });
      },
    },
    on: ((_event: 'signal:connection', listener: (state: ConnectionState) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }) as AdvisorApi['on'],
  };
  return { bridge, fake };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CALL = 'call-0001';
const candidate = (n: number, callId = CALL): OutgoingSignal => ({
  event: 'ice-candidate',
  payload: { to: 'jordan', callId, candidate: { candidate: `candidate:${n}`, sdpMid: '0' } },
});
const iceRestartOffer: OutgoingSignal = {
  event: 'call-renegotiate',
  payload: { to: 'jordan', callId: CALL, description: { type: 'offer', sdp: 'v=0 ice-restart' } },
};

describe('createSignalingChannel', () => {
  it('passes the server ack through, refusals included', async () => {
    const { bridge, fake } = fakeBridge();
    fake.ackFor = (signal) =>
      signal.event === 'call-renegotiate'
        ? { ok: true, callId: CALL }
        : { ok: false, error: { code: 'not-in-call', message: 'That call has ended.' } };
    const channel = createSignalingChannel(bridge);

    await expect(channel.send(iceRestartOffer)).resolves.toEqual({ ok: true, callId: CALL });
    await expect(channel.send(candidate(1))).resolves.toEqual({
      ok: false,
      error: { code: 'not-in-call', message: 'That call has ended.' },
    });
    expect(fake.delivered).toEqual([iceRestartOffer, candidate(1)]);
    channel.dispose();
  });

  it('keeps order across an outage and sends what waited once online', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();

    const first = channel.send(candidate(1));
    await settle();
    fake.setStatus('reconnecting');
    const during = [channel.send(candidate(2)), channel.send(candidate(3))];
    await settle();
    expect(fake.delivered).toEqual([candidate(1)]);
    expect(channel.pending()).toBe(2);

    fake.setStatus('online');
    const after = channel.send(candidate(4));
    await expect(Promise.all([first, ...during, after])).resolves.toEqual(
      Array(4).fill({ ok: true }),
    );
    expect(fake.delivered).toEqual([1, 2, 3, 4].map((n) => candidate(n)));
    expect(channel.pending()).toBe(0);
    channel.dispose();
  });

  it('delivers an ICE-restart offer the bridge could not send, before what followed it', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.setConnected(false); // the network switched; main's event has not arrived yet

    const offer = channel.send(iceRestartOffer);
    await settle();
    const next = channel.send(candidate(1));
    await settle();
    expect(fake.delivered).toEqual([]);
    expect(channel.pending()).toBe(2);

    fake.setStatus('reconnecting');
    fake.setStatus('online');
    await expect(offer).resolves.toEqual({ ok: true });
    await expect(next).resolves.toEqual({ ok: true });
    expect(fake.delivered).toEqual([iceRestartOffer, candidate(1)]);
    channel.dispose();
  });

  it('sends a message again when its ack timed out, once the connection is back', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.loseNextAck = true;

    const offer = channel.send(iceRestartOffer);
    await settle();
    fake.setStatus('reconnecting');
    expect(channel.pending()).toBe(1);
    fake.setStatus('online');

    await expect(offer).resolves.toEqual({ ok: true });
    expect(fake.delivered).toEqual([iceRestartOffer, iceRestartOffer]);
    channel.dispose();
  });

  it('retries on its own when the ack timed out but main still says online', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.loseNextAck = true;

    const offer = channel.send(iceRestartOffer);
    await settle();
    expect(channel.pending()).toBe(1);

    await expect(offer).resolves.toEqual({ ok: true }); // after the ~1 s re-check
    expect(fake.delivered).toEqual([iceRestartOffer, iceRestartOffer]);
    expect(channel.pending()).toBe(0);
    channel.dispose();
  });

  it("sends a message again when the server answered 'server-busy' (its shared state was away)", async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    let busy = 1;
    fake.ackFor = () =>
      busy-- > 0 ? { ok: false, error: { code: 'server-busy', message: 'busy' } } : { ok: true };

    const offer = channel.send(iceRestartOffer);
    await settle();
    expect(channel.pending()).toBe(1);

    await expect(offer).resolves.toEqual({ ok: true }); // after the ~1 s re-check
    expect(fake.delivered).toEqual([iceRestartOffer, iceRestartOffer]);
    channel.dispose();
  });

  it('sends nothing new while an earlier message may still fail, so the retry keeps its place', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.holdNextAnswer = true;

    const offer = channel.send(iceRestartOffer); // its ack will time out
    await settle();
    fake.setStatus('reconnecting');
    const next = channel.send(candidate(1));
    fake.setStatus('online'); // back before main gives up on the offer's ack
    await settle();
    expect(fake.delivered).toEqual([iceRestartOffer]);
    expect(channel.pending()).toBe(1);

    fake.answerHeld({ ok: false, error: { code: 'server-unreachable', message: 'no ack' } });
    await expect(Promise.all([offer, next])).resolves.toEqual([{ ok: true }, { ok: true }]);
    expect(fake.delivered).toEqual([iceRestartOffer, iceRestartOffer, candidate(1)]);
    channel.dispose();
  });

  it('sends at once while earlier messages are in flight on the same connection', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.holdNextAnswer = true;

    const offer = channel.send(iceRestartOffer); // its ack has not come back yet
    const next = [channel.send(candidate(1)), channel.send(candidate(2))];
    await settle();
    expect(fake.delivered).toEqual([iceRestartOffer, candidate(1), candidate(2)]);
    expect(channel.pending()).toBe(0);

    fake.answerHeld({ ok: true, value: { ok: true } });
    await expect(Promise.all([offer, ...next])).resolves.toEqual([
      { ok: true },
      { ok: true },
      { ok: true },
    ]);
    channel.dispose();
  });

  it('waits without trying the bridge when created while signaling is down', async () => {
    const { bridge, fake } = fakeBridge('reconnecting');
    const channel = createSignalingChannel(bridge);
    await settle();

    const sent = channel.send(candidate(1));
    await settle();
    expect(fake.attempts).toBe(0);
    expect(channel.pending()).toBe(1);

    fake.setStatus('online');
    await expect(sent).resolves.toEqual({ ok: true });
    expect(fake.attempts).toBe(1);
    channel.dispose();
  });

  it('resolves null for a message that waited longer than maxWaitMs, and never sends it', async () => {
    const { bridge, fake } = fakeBridge('reconnecting');
    let time = 0;
    const channel = createSignalingChannel(bridge, { maxWaitMs: 60_000, now: () => time });
    await settle();

    const old = channel.send(candidate(1));
    time = 59_000;
    const fresh = channel.send(candidate(2));
    time = 60_000;
    fake.setStatus('online');

    await expect(old).resolves.toBeNull();
    await expect(fresh).resolves.toEqual({ ok: true });
    expect(fake.delivered).toEqual([candidate(2)]);
    channel.dispose();
  });

  it('expires waiting messages even when the connection never comes back', async () => {
    const { bridge } = fakeBridge('offline');
    const channel = createSignalingChannel(bridge, { maxWaitMs: 30 });
    const sent = channel.send(iceRestartOffer);
    expect(channel.pending()).toBe(1);

    await wait(100);
    await expect(sent).resolves.toBeNull();
    expect(channel.pending()).toBe(0);
    channel.dispose();
  });

  it('drop() removes the matching waiting messages only', async () => {
    const { bridge, fake } = fakeBridge('reconnecting');
    const channel = createSignalingChannel(bridge);
    await settle();

    const sends = [
      channel.send(candidate(1, 'call-ended1')),
      channel.send(candidate(2)),
      channel.send(candidate(3, 'call-ended1')),
    ];
    channel.drop((signal) => 'callId' in signal.payload && signal.payload.callId === 'call-ended1');
    expect(channel.pending()).toBe(1);
    fake.setStatus('online');

    await expect(Promise.all(sends)).resolves.toEqual([null, { ok: true }, null]);
    expect(fake.delivered).toEqual([candidate(2)]);
    channel.dispose();
  });

  it('resolves null at once on other bridge errors, without queueing or retrying', async () => {
    const { bridge, fake } = fakeBridge();
    const channel = createSignalingChannel(bridge);
    await settle();
    fake.refuse = 'invalid-arguments';

    await expect(channel.send(candidate(1))).resolves.toBeNull();
    expect(channel.pending()).toBe(0);
    fake.refuse = null;
    fake.setStatus('reconnecting');
    fake.setStatus('online');
    await settle();
    expect(fake.attempts).toBe(1);
    expect(fake.delivered).toEqual([]);
    channel.dispose();
  });

  it('dispose() resolves what waits with null and stops listening', async () => {
    const { bridge, fake } = fakeBridge('offline');
    const channel = createSignalingChannel(bridge);
    const waiting = channel.send(candidate(1));

    channel.dispose();
    await expect(waiting).resolves.toBeNull();
    await expect(channel.send(candidate(2))).resolves.toBeNull();
    expect(fake.listeners.size).toBe(0);
    fake.setStatus('online');
    await settle();
    expect(fake.attempts).toBe(0);
  });

  it('runs beforeFlush when the connection is back, before the outbox goes out', async () => {
    const { bridge, fake } = fakeBridge();
    const resume: OutgoingSignal = {
      event: 'call-resume',
      payload: { to: 'jordan', callId: CALL },
    };
    const order: string[] = [];
    const channel = createSignalingChannel(bridge, {
      beforeFlush: async () => {
        order.push('hook');
        await bridge.signal.send(resume);
      },
    });
    await settle();
    fake.setStatus('reconnecting');
    const waiting = channel.send(iceRestartOffer);
    await settle();
    expect(order).toEqual([]);

    fake.setStatus('online');
    await expect(waiting).resolves.toEqual({ ok: true });
    expect(order).toEqual(['hook']);
    expect(fake.delivered).toEqual([resume, iceRestartOffer]);
    channel.dispose();
  });
});
