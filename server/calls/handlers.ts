/**
 * Call rules. Each handler validates nothing itself (dispatch did), authorises the sender against
 * the call registry, acts, and delivers to the other party only. A refused message throws Refusal.
 * The registry may be shared by several nodes, so every change is a compare-and-set on the call
 * as it was read: of two nodes racing (an answer and the ring timeout, two devices answering),
 * exactly one wins and the other sees the call as it now is.
 */
import { randomUUID } from 'node:crypto';
import type {
  ClientEventName,
  ClientPayload,
  ServerEventName,
  ServerPayload,
} from '../../shared/protocol/signaling.ts';
import type { Logger } from '../log.ts';
import type { Presence } from '../presence/announcer.ts';
import type { ConnectionCounter } from '../presence/presence.ts';
import type { Delivery } from '../realtime/delivery.ts';
import { Refusal } from '../realtime/refusal.ts';
import type { AccountStore } from '../storage/store.ts';
import { speaksIn, type CallRecord, type CallRegistry } from './registry.ts';
import type { TimerFactory } from './timers.ts';

export interface Sender {
  userId: string;
  displayName: string;
  socketId: string;
}

export interface CallHandlerDeps {
  store: AccountStore;
  registry: CallRegistry;
  connections: ConnectionCounter;
  delivery: Delivery;
  presence: Presence;
  log: Logger;
  timers: TimerFactory;
  ringTimeoutMs: number;
  /** How long a party's socket may be gone before the call ends for the other (reconnects). */
  disconnectGraceMs: number;
  /** How long one party's call-resume of a forgotten call waits for the other's (see resume). */
  resumeWindowMs: number;
}

type CallEvent = Exclude<ClientEventName, 'auth-renew'>;
type Handler<E extends CallEvent> = (sender: Sender, payload: ClientPayload<E>) => Promise<string>;

/** A compare-and-set that keeps losing means the call is changing under us; give up then. */
const ATTEMPTS = 5;

// Timer jobs name everything their handler needs, so any node can run them (ids hold no ':').
const ringJob = (callId: string): string => `ring:${callId}`;
const graceJob = (callId: string, userId: string, socketId: string): string =>
  `grace:${callId}:${userId}:${socketId}`;

export function createCallHandlers(deps: CallHandlerDeps) {
  const { store, registry, delivery, presence, log } = deps;
  const timers = deps.timers(onTimer);

  /**
   * Ends the call if `check` still holds for it as stored now: removes it, lets `tell` deliver the
   * news, stops its timers and announces both parties. False when it was gone or changed.
   */
  async function finishIf(
    callId: string,
    check: (call: CallRecord) => boolean,
    reason: string,
    tell: (call: CallRecord) => void,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const call = await registry.get(callId);
      if (!call || !check(call)) return false;
      if (!(await registry.remove(call))) continue;
      tell(call);
      const jobs = [ringJob(call.id), graceJob(call.id, call.caller, call.callerSocket)];
      if (call.calleeSocket) jobs.push(graceJob(call.id, call.callee, call.calleeSocket));
      await Promise.all(jobs.map((job) => timers.clear(job)));
      log('call.end', {
        callId: call.id,
        reason,
        seconds: Math.round((Date.now() - call.startedAt) / 1000),
      });
      await Promise.all([
        presence.announce(call.caller, call.callee),
        presence.announce(call.callee, call.caller),
      ]);
      return true;
    }
    return false;
  }

  /** The call this message belongs to, and that the sender speaks for one of its parties. */
  async function callFor(
    sender: Sender,
    to: string,
    callId: string | undefined,
  ): Promise<CallRecord> {
    const call = callId ? await registry.get(callId) : await registry.callOf(sender.userId);
    if (!call) throw new Refusal('no-such-call', 'There is no such call.', callId);
    if (!isParty(call, sender.userId, to)) {
      throw new Refusal(
        callId ? 'not-in-call' : 'no-such-call',
        callId ? 'You are not a party of that call.' : 'There is no such call.',
        callId ? call.id : undefined,
      );
    }
    return call;
  }

  const isParty = (call: CallRecord, userId: string, to: string): boolean =>
    (call.caller === userId && call.callee === to) ||
    (call.callee === userId && call.caller === to);

  /** While ringing any of the callee's devices may speak (decline, early candidates). */
  const isSpeaker = (call: CallRecord, sender: Sender): boolean => {
    const mine = call.caller === sender.userId ? call.callerSocket : call.calleeSocket;
    return mine === null || mine === sender.socketId;
  };

  /** Refuses unless the sender's socket is the one that speaks for its side of the call. */
  function requireSpeaker(call: CallRecord, sender: Sender): void {
    if (!isSpeaker(call, sender)) {
      throw new Refusal('not-in-call', 'Another of your devices is in this call.', call.id);
    }
  }

  /** Delivers to the other party: their answering socket, or every device while it rings. */
  function relay<E extends ServerEventName>(
    call: CallRecord,
    fromUser: string,
    event: E,
    payload: ServerPayload<E>,
  ): void {
    if (call.caller !== fromUser) {
      delivery.toSocket(call.callerSocket, event, payload);
    } else if (call.calleeSocket) {
      delivery.toSocket(call.calleeSocket, event, payload);
    } else {
      delivery.toUser(call.callee, event, payload);
    }
  }

  const requireActive = (call: CallRecord): void => {
    if (call.state !== 'active')
      throw new Refusal('no-such-call', 'The call is not answered yet.', call.id);
  };

  const busy = (sender: Sender, to: string, callId: string): string => {
    log('call.busy', { callId, from: sender.userId, to });
    delivery.toSocket(sender.socketId, 'call-busy', { from: to, callId });
    return callId;
  };

  const offer: Handler<'call-offer'> = async (sender, payload) => {
    const { to } = payload;
    if (to === sender.userId) throw new Refusal('not-allowed', 'You cannot call yourself.');
    const callee = store.userById(to);
    if (!callee || callee.disabled || !store.shareCircle(sender.userId, to)) {
      throw new Refusal('not-allowed', 'You can only call members of your circles.');
    }
    if (payload.callId && (await registry.get(payload.callId))) {
      throw new Refusal('invalid-payload', 'That call id is in use.', payload.callId);
    }
    if (await registry.callOf(sender.userId)) {
      throw new Refusal('caller-busy', 'You are in a call already; hang up first.');
    }
    const callId = payload.callId ?? randomUUID();
    if (await registry.callOf(to)) return busy(sender, to, callId);
    if (!(await deps.connections.isOnline(to))) {
      throw new Refusal('unavailable', `${callee.displayName} is not online.`, callId);
    }
    const call: CallRecord = {
      id: callId,
      caller: sender.userId,
      callerSocket: sender.socketId,
      callee: to,
      calleeSocket: null,
      state: 'ringing',
      startedAt: Date.now(),
    };
    // The checks above were reads; this is the one atomic step (another node may have raced us).
    const added = await registry.add(call);
    if (added === 'taken') throw new Refusal('invalid-payload', 'That call id is in use.', callId);
    if (added === 'busy') return busy(sender, to, callId);
    log('call.ring', { callId, from: sender.userId, to });
    delivery.toUser(to, 'call-offer', {
      offer: payload.offer,
      from: sender.userId,
      fromName: sender.displayName,
      callId,
    });
    await timers.set(ringJob(callId), deps.ringTimeoutMs);
    await Promise.all([presence.announce(sender.userId, to), presence.announce(to, sender.userId)]);
    return callId;
  };

  const answer: Handler<'call-answer'> = async (sender, payload) => {
    let call = await callFor(sender, payload.to, payload.callId);
    for (let attempt = 0; ; attempt++) {
      if (call.callee !== sender.userId)
        throw new Refusal('not-in-call', 'Only the callee answers.', call.id);
      if (call.state !== 'ringing' || attempt === ATTEMPTS) {
        throw new Refusal('not-in-call', 'This call was answered on another device.', call.id);
      }
      if (await registry.replace(call, { ...call, state: 'active', calleeSocket: sender.socketId }))
        break;
      const now = await registry.get(call.id);
      if (!now) throw new Refusal('no-such-call', 'There is no such call.', call.id);
      call = now;
    }
    await timers.clear(ringJob(call.id));
    log('call.answer', { callId: call.id, by: sender.userId });
    delivery.toSocket(call.callerSocket, 'call-answer', {
      answer: payload.answer,
      from: sender.userId,
      callId: call.id,
    });
    delivery.toUser(call.callee, 'call-answered-elsewhere', { callId: call.id }, sender.socketId);
    return call.id;
  };

  const candidate: Handler<'ice-candidate'> = async (sender, payload) => {
    const call = await callFor(sender, payload.to, payload.callId);
    requireSpeaker(call, sender);
    relay(call, sender.userId, 'ice-candidate', {
      candidate: payload.candidate,
      from: sender.userId,
      callId: call.id,
    });
    return call.id;
  };

  /** Ends a call the sender may end, or refuses as no-such-call when another node ended it first. */
  async function finishFor(
    call: CallRecord,
    check: (current: CallRecord) => boolean,
    reason: string,
    tell: (current: CallRecord) => void,
  ): Promise<string> {
    if (!(await finishIf(call.id, check, reason, tell))) {
      throw new Refusal('no-such-call', 'That call has ended.', call.id);
    }
    return call.id;
  }

  const decline: Handler<'call-decline'> = async (sender, payload) => {
    const call = await callFor(sender, payload.to, payload.callId);
    const ringingFor = (c: CallRecord) => c.callee === sender.userId && c.state === 'ringing';
    if (!ringingFor(call)) {
      throw new Refusal('not-in-call', 'Only a ringing callee declines.', call.id);
    }
    return finishFor(call, ringingFor, 'declined', (c) => {
      delivery.toSocket(c.callerSocket, 'call-decline', { from: sender.userId, callId: c.id });
      delivery.toUser(c.callee, 'call-answered-elsewhere', { callId: c.id }, sender.socketId);
    });
  };

  const cancel: Handler<'call-cancel'> = async (sender, payload) => {
    const call = await callFor(sender, payload.to, payload.callId);
    if (call.caller !== sender.userId || call.state !== 'ringing') {
      throw new Refusal('not-in-call', 'Only the caller cancels a ringing call.', call.id);
    }
    requireSpeaker(call, sender);
    return finishFor(
      call,
      (c) => c.state === 'ringing' && isSpeaker(c, sender),
      'cancelled',
      (c) => {
        delivery.toUser(c.callee, 'call-cancel', { from: sender.userId, callId: c.id });
      },
    );
  };

  const end: Handler<'end-call'> = async (sender, payload) => {
    const call = await callFor(sender, payload.to, payload.callId);
    requireSpeaker(call, sender);
    return finishFor(
      call,
      (c) => isParty(c, sender.userId, payload.to) && isSpeaker(c, sender),
      'hung-up',
      (c) => {
        relay(c, sender.userId, 'end-call', {
          from: sender.userId,
          callId: c.id,
          ...(payload.reason ? { reason: payload.reason } : {}),
        });
      },
    );
  };

  /** The mid-call messages: only between the speaking sockets of an answered call. */
  function midCall<E extends 'call-renegotiate' | 'media-state' | 'recording-state'>(
    event: E,
    body: (payload: ClientPayload<E>) => Omit<ServerPayload<E>, 'from' | 'callId'>,
  ): Handler<E> {
    return async (sender, payload) => {
      const call = await callFor(sender, payload.to, payload.callId);
      requireActive(call);
      requireSpeaker(call, sender);
      relay(call, sender.userId, event, {
        ...body(payload),
        from: sender.userId,
        callId: call.id,
      } as ServerPayload<E>);
      return call.id;
    };
  }

  /**
   * call-resume rebinds a known call to the sender's new socket, or, when the registry forgot the
   * call (a restart), recreates it. The registry cannot tell a real forgotten call from an invented
   * one, and one party's word used to be enough: any circle-mate could make an idle user "in a
   * call" and busy for as long as they liked. So a forgotten call comes back only when BOTH parties
   * name it, each from their own authenticated socket, within `resumeWindowMs` of each other
   * (both apps send call-resume as soon as signaling is back). The first claim is pending: it is
   * acknowledged, blocks nobody and expires on its own; a mallory's claim is never matched, because
   * the victim never resumes a call they are not in. A call the registry knows is resumed only by
   * its own parties (callFor refuses anyone else).
   */
  const resume: Handler<'call-resume'> = async (sender, payload) => {
    const { callId, to } = payload;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const existing = await registry.get(callId);
      if (existing) {
        const rebound = await rebind(await callFor(sender, to, callId), sender);
        if (rebound) return rebound;
        continue; // the call changed under us (another node): read it again
      }
      const peer = store.userById(to);
      if (!peer || peer.disabled || !store.shareCircle(sender.userId, to)) break;
      const mine = { callId, userId: sender.userId, to, socketId: sender.socketId };
      const partner = await registry.claimResume(mine, deps.resumeWindowMs);
      if (!partner) {
        log('call.resume-pending', { callId, by: sender.userId });
        return callId;
      }
      const added = await registry.addResumed(
        {
          id: callId,
          caller: partner.userId,
          callerSocket: partner.socketId,
          callee: sender.userId,
          calleeSocket: sender.socketId,
          state: 'active',
          startedAt: Date.now(),
        },
        partner,
      );
      // 'gone': the partner's socket left meanwhile; 'taken': the call exists now. Read again.
      if (added === 'gone' || added === 'taken') continue;
      if (added === 'busy') break;
      log('call.resume', { callId, by: sender.userId, recreated: true });
      await Promise.all([
        presence.announce(sender.userId, to),
        presence.announce(to, sender.userId),
      ]);
      return callId;
    }
    throw new Refusal('no-such-call', 'That call cannot be resumed.', callId);
  };

  /** This socket speaks for the sender's side of their answered call now; undefined if it changed. */
  async function rebind(call: CallRecord, sender: Sender): Promise<string | undefined> {
    requireActive(call);
    const isCaller = call.caller === sender.userId;
    const before = isCaller ? call.callerSocket : call.calleeSocket;
    const next = isCaller
      ? { ...call, callerSocket: sender.socketId }
      : { ...call, calleeSocket: sender.socketId };
    if (!(await registry.replace(call, next))) return undefined;
    if (before) await timers.clear(graceJob(call.id, sender.userId, before));
    log('call.resume', { callId: call.id, by: sender.userId, recreated: false });
    return call.id;
  }

  /**
   * A socket left (or the node it was on died, see server/cluster/node-liveness.ts): a ringing
   * call it placed is cancelled now; an answered one ends for the other party after the grace
   * period unless the party resumes it from another socket first.
   */
  async function disconnected(gone: { userId: string; socketId: string }): Promise<void> {
    // A pending resume from a socket that left must not bind a dead socket into a call. Dropped
    // first: a partner's addResumed either ran before (then the call is found below) or fails.
    await registry.dropClaim(gone.userId, gone.socketId);
    const call = await registry.callOfSocket(gone.userId, gone.socketId);
    if (!call) return;
    if (call.state === 'ringing') {
      // Only the caller's socket is bound while ringing: the caller went away.
      await finishIf(
        call.id,
        (c) => c.state === 'ringing' && c.callerSocket === gone.socketId,
        'caller-left',
        (c) => {
          delivery.toUser(c.callee, 'call-cancel', { from: gone.userId, callId: c.id });
        },
      );
      return;
    }
    await timers.set(graceJob(call.id, gone.userId, gone.socketId), deps.disconnectGraceMs);
  }

  async function onTimer(job: string): Promise<void> {
    const [kind, callId = '', userId = '', socketId = ''] = job.split(':');
    try {
      if (kind === 'ring') {
        await finishIf(
          callId,
          (c) => c.state === 'ringing',
          'missed',
          (c) => {
            delivery.toSocket(c.callerSocket, 'call-missed', { callId: c.id, peer: c.callee });
            delivery.toUser(c.callee, 'call-missed', { callId: c.id, peer: c.caller });
          },
        );
      } else if (kind === 'grace') {
        await finishIf(
          callId,
          (c) => speaksIn(c, userId, socketId),
          'party-left',
          (c) => {
            relay(c, userId, 'end-call', { from: userId, callId: c.id });
          },
        );
      }
    } catch (error) {
      log('call.timer-error', { kind, callId, error: (error as Error).name });
    }
  }

  const handlers: { [E in CallEvent]: Handler<E> } = {
    'call-offer': offer,
    'call-answer': answer,
    'ice-candidate': candidate,
    'call-decline': decline,
    'end-call': end,
    'call-cancel': cancel,
    'call-renegotiate': midCall('call-renegotiate', (p) => ({ description: p.description })),
    'media-state': midCall('media-state', (p) => ({ state: p.state })),
    'recording-state': midCall('recording-state', (p) => ({ state: p.state })),
    'call-resume': resume,
  };
  return {
    handlers,
    disconnected,
    close: () => {
      timers.close();
    },
  };
}
