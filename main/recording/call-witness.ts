/**
 * What main saw of each call, from the signaling it relays between the renderer and the server:
 * who joined and left (with the names the server gave), and every recording-state message
 * (consent asked, allowed, refused; recording started, stopped) with its time. This, not the
 * renderer's word, is what a recording's manifest says about the call.
 */
import type { IncomingSignal, OutgoingSignal } from '../../shared/bridge/contract.ts';
import type { Ack, RecordingState } from '../../shared/protocol/signaling.ts';
import type { Signaling } from '../signaling/connection.ts';

/** Calls remembered (a recording names its call; older ones are long over). */
const MAX_CALLS = 16;
const MAX_GUEST_NAMES = 64;

export interface WitnessedPerson {
  id: string;
  displayName: string | null;
  /** 'session': me, as the server's sign-in named me; 'signaling': from a server event. */
  nameFrom: 'session' | 'signaling' | null;
  guest: boolean;
  joinedAt: number | null;
  leftAt: number | null;
}

export interface WitnessedRecordingEvent {
  at: number;
  from: string;
  to: string;
  state: RecordingState;
}

export interface CallSnapshot {
  callId: string;
  me: string | null;
  /** Everyone seen joined, me first, then in the order they joined. */
  people: WitnessedPerson[];
  recordingEvents: WitnessedRecordingEvent[];
}

export interface CallWitness {
  /** A message the renderer sent through main, with the server's answer. */
  sent(signal: OutgoingSignal, ack: Ack): void;
  /** A server event main passed to the renderer. */
  received(signal: IncomingSignal): void;
  snapshot(callId: string): CallSnapshot | null;
  /**
   * Told, after the message that did it, whenever someone other than me comes into a call (a
   * first join, or back after leaving); the answer unsubscribes.
   */
  onJoined(listener: (callId: string, personId: string) => void): () => void;
}

export interface CallWitnessDeps {
  /** The signed-in user (main's session). */
  me: () => { id: string; displayName: string } | null;
  now?: () => number;
}

interface CallRecord {
  callId: string;
  people: Map<string, WitnessedPerson>;
  events: WitnessedRecordingEvent[];
}

export function createCallWitness(deps: CallWitnessDeps): CallWitness {
  const now = deps.now ?? Date.now;
  const calls = new Map<string, CallRecord>();
  const listeners = new Set<(callId: string, personId: string) => void>();
  // Who came in during the message being handled: listeners hear once the record is whole.
  let arrivals: [string, string][] = [];
  // Guests are named in the lobby (guest-waiting), before any call event names them.
  const guestNames = new Map<string, string>();

  function call(callId: string): CallRecord {
    let record = calls.get(callId);
    if (!record) {
      record = { callId, people: new Map(), events: [] };
      calls.set(callId, record);
      for (const oldest of calls.keys()) {
        if (calls.size <= MAX_CALLS) break;
        calls.delete(oldest);
      }
    }
    return record;
  }

  function person(record: CallRecord, id: string, name?: string, guest?: boolean): WitnessedPerson {
    let found = record.people.get(id);
    if (!found) {
      const guestName = guestNames.get(id);
      found = {
        id,
        displayName: guestName ?? null,
        nameFrom: guestName === undefined ? null : 'signaling',
        guest: guestName !== undefined,
        joinedAt: null,
        leftAt: null,
      };
      record.people.set(id, found);
    }
    if (name !== undefined) {
      found.displayName = name;
      found.nameFrom = 'signaling';
    }
    if (guest !== undefined) found.guest = guest;
    return found;
  }

  function join(record: CallRecord, id: string, name?: string): void {
    const who = person(record, id, name);
    const arrived = who.joinedAt === null || who.leftAt !== null;
    who.joinedAt ??= now();
    who.leftAt = null;
    if (arrived && id !== deps.me()?.id) arrivals.push([record.callId, id]);
  }

  /** Runs one message's bookkeeping, then tells listeners who came in with it. */
  function handle(apply: () => void): void {
    arrivals = [];
    apply();
    const came = arrivals;
    arrivals = [];
    for (const [callId, id] of came) for (const listener of listeners) listener(callId, id);
  }

  function leave(record: CallRecord, id: string): void {
    const who = record.people.get(id);
    if (who && who.joinedAt !== null && who.leftAt === null) who.leftAt = now();
  }

  function joinMe(record: CallRecord): void {
    const me = deps.me();
    if (!me) return;
    join(record, me.id);
    const mine = person(record, me.id);
    mine.displayName = me.displayName;
    mine.nameFrom = 'session';
  }

  function recordingEvent(callId: string, from: string, to: string, state: RecordingState): void {
    call(callId).events.push({ at: now(), from, to, state });
  }

  function applySent(signal: OutgoingSignal, ack: Ack): void {
    if (!ack.ok) return;
    const me = deps.me()?.id;
    switch (signal.event) {
      case 'call-offer': {
        const callId = signal.payload.callId ?? ack.callId;
        if (!callId) return;
        joinMe(call(callId));
        person(call(callId), signal.payload.to);
        return;
      }
      case 'call-answer':
      case 'call-join': {
        const { callId, to } = signal.payload;
        if (!callId) return;
        joinMe(call(callId));
        join(call(callId), to);
        return;
      }
      case 'call-invite':
        person(call(signal.payload.callId), signal.payload.to);
        return;
      case 'end-call':
        if (signal.payload.callId && me) leave(call(signal.payload.callId), me);
        return;
      case 'recording-state':
        if (me) recordingEvent(signal.payload.callId, me, signal.payload.to, signal.payload.state);
        return;
      default:
        return;
    }
  }

  function applyReceived(signal: IncomingSignal): void {
    const me = deps.me()?.id;
    switch (signal.event) {
      case 'call-offer':
        join(call(signal.payload.callId), signal.payload.from, signal.payload.fromName);
        return;
      case 'call-answer':
        join(call(signal.payload.callId), signal.payload.from);
        return;
      case 'end-call':
        leave(call(signal.payload.callId), signal.payload.from);
        return;
      case 'call-invite':
      case 'call-participants': {
        const record = call(signal.payload.callId);
        if (signal.event === 'call-invite') {
          join(record, signal.payload.from, signal.payload.fromName);
        }
        const listed = new Set<string>();
        for (const p of signal.payload.participants) {
          person(record, p.userId, p.displayName, p.guest ?? false);
          if (p.state === 'joined') {
            listed.add(p.userId);
            join(record, p.userId);
          }
        }
        // The server's list is the whole call: whoever is not joined in it has left.
        if (signal.event === 'call-participants') {
          for (const id of record.people.keys()) if (!listed.has(id)) leave(record, id);
        }
        return;
      }
      case 'recording-state':
        if (me)
          recordingEvent(signal.payload.callId, signal.payload.from, me, signal.payload.state);
        return;
      case 'guest-waiting':
        guestNames.set(signal.payload.guestId, signal.payload.name);
        for (const oldest of guestNames.keys()) {
          if (guestNames.size <= MAX_GUEST_NAMES) break;
          guestNames.delete(oldest);
        }
        return;
      default:
        return;
    }
  }

  return {
    sent(signal, ack) {
      handle(() => {
        applySent(signal, ack);
      });
    },

    received(signal) {
      handle(() => {
        applyReceived(signal);
      });
    },

    onJoined(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    snapshot(callId) {
      const record = calls.get(callId);
      if (!record) return null;
      const me = deps.me()?.id ?? null;
      const joined = [...record.people.values()].filter((p) => p.joinedAt !== null);
      const people = [
        ...joined.filter((p) => p.id === me),
        ...joined.filter((p) => p.id !== me).sort((a, b) => (a.joinedAt ?? 0) - (b.joinedAt ?? 0)),
      ];
      return {
        callId,
        me,
        people: people.map((p) => ({ ...p })),
        recordingEvents: record.events.map((e) => ({ ...e })),
      };
    },
  };
}

/** Signaling whose sends the witness sees, with the server's answer (for the router). */
export function witnessedSignaling(signaling: Signaling, witness: CallWitness): Signaling {
  return {
    ...signaling,
    async send(signal) {
      const ack = await signaling.send(signal);
      witness.sent(signal, ack);
      return ack;
    },
  };
}
