/**
 * The call as a recording's manifest tells it: the participants and recording-state messages main
 * witnessed, names filled in from the server's directory where signaling gave none, and the
 * renderer's own list kept only as a cross-check.
 */
import type { CallSnapshot, CallWitness } from './call-witness.ts';
import type { ConsentEvent, ManifestParticipant, ParticipantsCheck } from './manifest.ts';

export interface Claimed {
  id: string;
  displayName: string;
}

export interface CallAccount {
  participants: ManifestParticipant[];
  consent: ConsentEvent[];
  participantsCheck: ParticipantsCheck;
}

/** Display names by user id from the server's directory (main's circles request). */
export type LookupNames = (ids: string[]) => Promise<Map<string, string>>;

/** The account of one call, for the manifest; `claimed` is what the renderer said at start. */
export type DescribeCall = (callId: string, claimed: readonly Claimed[]) => Promise<CallAccount>;

/** A directory that does not answer must not hold up the start of a recording. */
const LOOKUP_TIMEOUT_MS = 3_000;

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** Who the renderer named that main did not see in the call, and the reverse. */
export function crossCheck(
  snapshot: CallSnapshot | null,
  claimed: readonly Claimed[],
): ParticipantsCheck {
  const present = (snapshot?.people ?? []).filter((p) => p.leftAt === null).map((p) => p.id);
  const claimedIds = new Set(claimed.map((c) => c.id));
  const claimedNotWitnessed = claimed
    .filter((c) => !present.includes(c.id))
    .map(({ id, displayName }) => ({ id, displayName }));
  const witnessedNotClaimed = present.filter((id) => !claimedIds.has(id));
  return {
    matches: claimedNotWitnessed.length === 0 && witnessedNotClaimed.length === 0,
    claimedNotWitnessed,
    witnessedNotClaimed,
  };
}

export async function accountOf(
  snapshot: CallSnapshot | null,
  claimed: readonly Claimed[],
  lookupNames?: LookupNames,
): Promise<CallAccount> {
  const people = snapshot?.people ?? [];
  const unnamed = people.filter((p) => p.displayName === null).map((p) => p.id);
  let directory = new Map<string, string>();
  if (unnamed.length > 0 && lookupNames) {
    // Offline, signed out or slow: the renderer's name is then the last resort, marked as such.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Map<string, string>>((resolve) => {
      timer = setTimeout(() => {
        resolve(new Map());
      }, LOOKUP_TIMEOUT_MS);
    });
    directory = await Promise.race([
      lookupNames(unnamed).catch(() => new Map<string, string>()),
      late,
    ]);
    clearTimeout(timer);
  }
  const participants = people.map((p): ManifestParticipant => {
    const fromDirectory = directory.get(p.id);
    const fromRenderer = claimed.find((c) => c.id === p.id)?.displayName;
    const [displayName, nameFrom] =
      p.displayName !== null
        ? [p.displayName, p.nameFrom]
        : fromDirectory !== undefined
          ? [fromDirectory, 'directory']
          : fromRenderer !== undefined
            ? [fromRenderer, 'renderer']
            : [null, null];
    return {
      id: p.id,
      displayName,
      nameFrom: nameFrom as ManifestParticipant['nameFrom'],
      guest: p.guest,
      joinedAt: iso(p.joinedAt),
      leftAt: iso(p.leftAt),
    };
  });
  const consent = (snapshot?.recordingEvents ?? []).map((e): ConsentEvent => ({
    at: new Date(e.at).toISOString(),
    from: e.from,
    to: e.to,
    state: e.state,
  }));
  return { participants, consent, participantsCheck: crossCheck(snapshot, claimed) };
}

/** The writer's view of the call: the witness, with names from the directory when needed. */
export function describeCallWith(witness: CallWitness, lookupNames?: LookupNames): DescribeCall {
  return (callId, claimed) => accountOf(witness.snapshot(callId), claimed, lookupNames);
}
