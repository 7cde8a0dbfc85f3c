/**
 * Call rules. Each handler validates nothing itself (dispatch did), authorises the sender against
 * the call registry, acts, and delivers to the other party only. A refused message throws Refusal.
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
import type { Delivery } from '../realtime/delivery.ts';
import { Refusal } from '../realtime/refusal.ts';
import type { AccountStore } from '../storage/store.ts';
import type { CallRecord, CallRegistry } from './registry.ts';

export interface Sender {
  userId: string;
  displayName: string;
  socketId: string;
}

export interface CallHandlerDeps {
  store: AccountStore;
  registry: CallRegistry;
  delivery: Delivery;
  presence: Presence;
  log: Logger;
  ringTimeoutMs: number;
  /** How long a party's socket may be gone before the call ends for the other (reconnects). */
  disconnectGraceMs: number;
}

type CallEvent = Exclude<ClientEventName, 'auth-renew'>;
type Handler<E extends CallEvent> = (sender: Sender, payload: ClientPayload<E>) => Promise<string>;

export function createCallHandlers(deps: CallHandlerDeps) {
  const { store, registry, delivery, presence, log } = deps;
  const timers = new Map<string, NodeJS.Timeout>();

  const clearTimer = (key: string): void => {
    clearTimeout(timers.get(key));
    timers.delete(key);
  };

  function finish(call: CallRecord, reason: string): void {
    registry.remove(call.id);
    clearTimer(`ring:${call.id}`);
    clearTimer(`grace:${call.id}:${call.caller}`);
    clearTimer(`grace:${call.id}:${call.callee}`);
    log('call.end', {
      callId: call.id,
      reason,
      seconds: Math.round((Date.now() - call.startedAt) / 1000),
    });
    presence.announce(call.caller, call.callee);
    presence.announce(call.callee, call.caller);
  }

  /** The call this message belongs to, and that the sender speaks for one of its parties. */
  function callFor(sender: Sender, to: string, callId: string | undefined): CallRecord {
    const call = callId ? registry.get(callId) : registry.between(sender.userId, to);
    if (!call) throw new Refusal('no-such-call', 'There is no such call.', callId);
    const isCaller = call.caller === sender.userId && call.callee === to;
    const isCallee = call.callee === sender.userId && call.caller === to;
    if (!isCaller && !isCallee) {
      throw new Refusal('not-in-call', 'You are not a party of that call.', call.id);
    }
    return call;
  }

  /** Refuses unless the sender's socket is the one that speaks for its side of the call. */
  function requireSpeaker(call: CallRecord, sender: Sender): void {
    const mine = call.caller === sender.userId ? call.callerSocket : call.calleeSocket;
    // While ringing any of the callee's devices may speak (decline, early candidates).
    if (mine === null || mine === sender.socketId) return;
    throw new Refusal('not-in-call', 'Another of your devices is in this call.', call.id);
  }

  /** Delivers to the other party: their answering socket, or every device while it rings. */
  function otherParty(call: CallRecord, sender: Sender): { socket: string } | { user: string } {
    if (call.caller === sender.userId) {
      return call.calleeSocket ? { socket: call.calleeSocket } : { user: call.callee };
    }
    return { socket: call.callerSocket };
  }

  function relay<E extends ServerEventName>(
    call: CallRecord,
    sender: Sender,
    event: E,
    payload: ServerPayload<E>,
  ): void {
    const target = otherParty(call, sender);
    if ('socket' in target) delivery.toSocket(target.socket, event, payload);
    else delivery.toUser(target.user, event, payload);
  }

  const requireActive = (call: CallRecord): void => {
    if (call.state !== 'active')
      throw new Refusal('no-such-call', 'The call is not answered yet.', call.id);
  };

  const offer: Handler<'call-offer'> = async (sender, payload) => {
    const { to } = payload;
    if (to === sender.userId) throw new Refusal('not-allowed', 'You cannot call yourself.');
    const callee = store.userById(to);
    if (!callee || callee.disabled || !store.shareCircle(sender.userId, to)) {
      throw new Refusal('not-allowed', 'You can only call members of your circles.');
    }
    if (payload.callId && registry.get(payload.callId)) {
      throw new Refusal('invalid-payload', 'That call id is in use.', payload.callId);
    }
    if (registry.callOf(sender.userId)) {
      throw new Refusal('caller-busy', 'You are in a call already; hang up first.');
    }
    const callId = payload.callId ?? randomUUID();
    if (registry.callOf(to)) {
      log('call.busy', { callId, from: sender.userId, to });
      delivery.toSocket(sender.socketId, 'call-busy', { from: to, callId });
      return callId;
    }
    if ((await delivery.socketsOf(to)).length === 0) {
      throw new Refusal('unavailable', `${callee.displayName} is not online.`, callId);
    }
    // Re-check after the await: another offer may have taken either party meanwhile.
    if (registry.callOf(sender.userId) || registry.callOf(to)) {
      delivery.toSocket(sender.socketId, 'call-busy', { from: to, callId });
      return callId;
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
    registry.add(call);
    log('call.ring', { callId, from: sender.userId, to });
    delivery.toUser(to, 'call-offer', {
      offer: payload.offer,
      from: sender.userId,
      fromName: sender.displayName,
      callId,
    });
    presence.announce(sender.userId, to);
    presence.announce(to, sender.userId);
    timers.set(
      `ring:${callId}`,
      setTimeout(() => {
        const current = registry.get(callId);
        if (current?.state !== 'ringing') return;
        delivery.toSocket(current.callerSocket, 'call-missed', { callId, peer: current.callee });
        delivery.toUser(current.callee, 'call-missed', { callId, peer: current.caller });
        finish(current, 'missed');
      }, deps.ringTimeoutMs),
    );
    return callId;
  };

  const answer: Handler<'call-answer'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    if (call.callee !== sender.userId)
      throw new Refusal('not-in-call', 'Only the callee answers.', call.id);
    if (call.state !== 'ringing') {
      throw new Refusal('not-in-call', 'This call was answered on another device.', call.id);
    }
    clearTimer(`ring:${call.id}`);
    registry.update({ ...call, state: 'active', calleeSocket: sender.socketId });
    log('call.answer', { callId: call.id, by: sender.userId });
    delivery.toSocket(call.callerSocket, 'call-answer', {
      answer: payload.answer,
      from: sender.userId,
      callId: call.id,
    });
    delivery.toUser(call.callee, 'call-answered-elsewhere', { callId: call.id }, sender.socketId);
    return Promise.resolve(call.id);
  };

  const candidate: Handler<'ice-candidate'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    requireSpeaker(call, sender);
    relay(call, sender, 'ice-candidate', {
      candidate: payload.candidate,
      from: sender.userId,
      callId: call.id,
    });
    return Promise.resolve(call.id);
  };

  const decline: Handler<'call-decline'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    if (call.callee !== sender.userId || call.state !== 'ringing') {
      throw new Refusal('not-in-call', 'Only a ringing callee declines.', call.id);
    }
    delivery.toSocket(call.callerSocket, 'call-decline', { from: sender.userId, callId: call.id });
    delivery.toUser(call.callee, 'call-answered-elsewhere', { callId: call.id }, sender.socketId);
    finish(call, 'declined');
    return Promise.resolve(call.id);
  };

  const cancel: Handler<'call-cancel'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    if (call.caller !== sender.userId || call.state !== 'ringing') {
      throw new Refusal('not-in-call', 'Only the caller cancels a ringing call.', call.id);
    }
    requireSpeaker(call, sender);
    delivery.toUser(call.callee, 'call-cancel', { from: sender.userId, callId: call.id });
    finish(call, 'cancelled');
    return Promise.resolve(call.id);
  };

  const end: Handler<'end-call'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    requireSpeaker(call, sender);
    relay(call, sender, 'end-call', { from: sender.userId, callId: call.id });
    finish(call, 'hung-up');
    return Promise.resolve(call.id);
  };

  const renegotiate: Handler<'call-renegotiate'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    requireActive(call);
    requireSpeaker(call, sender);
    relay(call, sender, 'call-renegotiate', {
      description: payload.description,
      from: sender.userId,
      callId: call.id,
    });
    return Promise.resolve(call.id);
  };

  const mediaState: Handler<'media-state'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    requireActive(call);
    requireSpeaker(call, sender);
    relay(call, sender, 'media-state', {
      state: payload.state,
      from: sender.userId,
      callId: call.id,
    });
    return Promise.resolve(call.id);
  };

  const recordingState: Handler<'recording-state'> = async (sender, payload) => {
    const call = callFor(sender, payload.to, payload.callId);
    requireActive(call);
    requireSpeaker(call, sender);
    relay(call, sender, 'recording-state', {
      state: payload.state,
      from: sender.userId,
      callId: call.id,
    });
    return Promise.resolve(call.id);
  };

  const resume: Handler<'call-resume'> = async (sender, payload) => {
    const existing = registry.get(payload.callId);
    if (!existing) {
      // The server restarted mid-call: the parties' media still flows, so take their word for
      // the call, within the same rules as a new one.
      if (
        !store.shareCircle(sender.userId, payload.to) ||
        registry.callOf(sender.userId) ||
        registry.callOf(payload.to)
      ) {
        throw new Refusal('no-such-call', 'That call cannot be resumed.', payload.callId);
      }
      registry.add({
        id: payload.callId,
        caller: sender.userId,
        callerSocket: sender.socketId,
        callee: payload.to,
        calleeSocket: null,
        state: 'active',
        startedAt: Date.now(),
      });
      log('call.resume', { callId: payload.callId, by: sender.userId, recreated: true });
      presence.announce(sender.userId, payload.to);
      presence.announce(payload.to, sender.userId);
      return payload.callId;
    }
    const call = callFor(sender, payload.to, payload.callId);
    requireActive(call);
    clearTimer(`grace:${call.id}:${sender.userId}`);
    registry.update(
      call.caller === sender.userId
        ? { ...call, callerSocket: sender.socketId }
        : { ...call, calleeSocket: sender.socketId },
    );
    log('call.resume', { callId: call.id, by: sender.userId, recreated: false });
    return Promise.resolve(call.id);
  };

  /** A socket left: the calls it spoke for end for the other party after the grace period. */
  function disconnected(sender: Sender): void {
    for (const call of registry.callsOfSocket(sender.socketId)) {
      if (call.state === 'ringing') {
        // Only the caller's socket is bound while ringing: the caller went away.
        delivery.toUser(call.callee, 'call-cancel', { from: sender.userId, callId: call.id });
        finish(call, 'caller-left');
        continue;
      }
      const key = `grace:${call.id}:${sender.userId}`;
      clearTimer(key);
      timers.set(
        key,
        setTimeout(() => {
          const current = registry.get(call.id);
          const stillGone =
            current &&
            (current.caller === sender.userId
              ? current.callerSocket === sender.socketId
              : current.calleeSocket === sender.socketId);
          if (!current || !stillGone) return;
          relay(current, sender, 'end-call', { from: sender.userId, callId: current.id });
          finish(current, 'party-left');
        }, deps.disconnectGraceMs),
      );
    }
  }

  /** Stops every timer (server shutdown). */
  function close(): void {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  }

  const handlers: { [E in CallEvent]: Handler<E> } = {
    'call-offer': offer,
    'call-answer': answer,
    'ice-candidate': candidate,
    'call-decline': decline,
    'end-call': end,
    'call-cancel': cancel,
    'call-renegotiate': renegotiate,
    'media-state': mediaState,
    'recording-state': recordingState,
    'call-resume': resume,
  };
  return { handlers, disconnected, close };
}
