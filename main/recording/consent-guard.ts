/**
 * IT's 'consent-required', enforced by main from the signaling it relayed (call-witness.ts), not
 * from the renderer's word. A recording may start only once every other participant in the call
 * has answered "allow" to my latest request; those answers are used up by the recording they
 * let start, so the next one asks again. Someone who comes into the call while it records
 * without having allowed it ends it (writer.ts): nobody is recorded who did not agree.
 */
import { BridgeFailure } from '../../shared/bridge/results.ts';
import type { CallSnapshot, CallWitness, WitnessedRecordingEvent } from './call-witness.ts';

/** Calls whose used-up answers are remembered (as many as the witness keeps, and more). */
const MAX_CALLS = 32;

export interface Unconsented {
  id: string;
  displayName: string | null;
}

export interface ConsentGuard {
  /** Where the answers that may count for the next recording of the call begin. */
  since(callId: string): number;
  /**
   * Who is in the call now, besides me, without an "allow" among the answers from `since` on;
   * null when main saw no one else in the call at all.
   */
  missing(callId: string, since: number): Unconsented[] | null;
  /** A recording of the call started: the answers so far count for it alone. */
  use(callId: string): void;
  /** Someone other than me came into a call (see CallWitness.onJoined). */
  onJoined(listener: (callId: string, personId: string) => void): () => void;
}

/** Whether `id` allowed it: an "allow" from them after my latest request to them, no "no" after. */
function allowed(events: readonly WitnessedRecordingEvent[], me: string, id: string): boolean {
  let asked = false;
  let yes = false;
  for (const e of events) {
    if (e.from === me && e.to === id && e.state === 'consent-requested') {
      asked = true;
      yes = false;
    } else if (asked && e.from === id && e.to === me) {
      if (e.state === 'consent-granted') yes = true;
      if (e.state === 'consent-denied') yes = false;
    }
  }
  return yes;
}

/** Everyone in the call now, besides me, who has not allowed recording since `since`. */
export function withoutConsent(snapshot: CallSnapshot | null, since: number): Unconsented[] | null {
  const me = snapshot?.me ?? null;
  const others = (snapshot?.people ?? []).filter((p) => p.id !== me && p.leftAt === null);
  if (!snapshot || me === null || others.length === 0) return null;
  const events = snapshot.recordingEvents.slice(since);
  return others
    .filter((p) => !allowed(events, me, p.id))
    .map(({ id, displayName }) => ({ id, displayName }));
}

export function createConsentGuard(witness: CallWitness): ConsentGuard {
  const used = new Map<string, number>();
  return {
    since: (callId) => used.get(callId) ?? 0,
    missing: (callId, since) => withoutConsent(witness.snapshot(callId), since),
    use(callId) {
      used.delete(callId);
      used.set(callId, witness.snapshot(callId)?.recordingEvents.length ?? 0);
      for (const oldest of used.keys()) {
        if (used.size <= MAX_CALLS) break;
        used.delete(oldest);
      }
    },
    onJoined: (listener) => witness.onJoined(listener),
  };
}

const nameOf = (p: Unconsented): string => p.displayName ?? 'a participant';

/** "Blake", "Blake and Casey", "Blake, Casey and Dana". */
function names(people: readonly Unconsented[]): string {
  const all = people.map(nameOf);
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/** Why `recording:start` is refused: who has not agreed, or that main saw no one to ask. */
export function startRefusal(missing: readonly Unconsented[] | null): BridgeFailure {
  const detail =
    missing === null
      ? ' This app has not seen anyone else join this call.'
      : ` Not yet agreed: ${names(missing)}.`;
  return new BridgeFailure(
    'consent-missing',
    `Everyone in the call must agree to be recorded first.${detail}`,
  );
}

/** Why a recording of the call may not start now, or null when everyone in it agreed. */
export function consentRefusal(guard: ConsentGuard, callId: string): BridgeFailure | null {
  const missing = guard.missing(callId, guard.since(callId));
  return missing === null || missing.length > 0 ? startRefusal(missing) : null;
}

/** What the advisor reads when main stopped a recording because someone joined unasked. */
export function joinerStop(joined: readonly Unconsented[]): BridgeFailure {
  const verb = joined.length === 1 ? 'has' : 'have';
  return new BridgeFailure(
    'consent-missing',
    `Recording stopped: ${names(joined)} joined the call and ${verb} not agreed to be recorded. Start recording again to ask everyone.`,
  );
}
