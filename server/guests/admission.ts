/**
 * The advisor's side of the lobby: guest-admit and guest-deny from a member's socket, and the
 * refusals that follow a full meeting or a withdrawn link. Only the advisor a guest knocked for
 * decides about them, and only while they wait; the lobby applies each decision in one step, so
 * of two devices (or nodes) deciding at once exactly one wins.
 */
import { GUEST_REFUSAL_MESSAGES, type GuestRefusal } from '../../shared/protocol/guest.ts';
import { MAX_PARTICIPANTS, type ClientPayload } from '../../shared/protocol/signaling.ts';
import { SERVER_ACTOR } from '../audit/audit-record.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { Sender } from '../calls/call-rules.ts';
import type { CallRegistry } from '../calls/registry.ts';
import type { Logger } from '../log.ts';
import type { Delivery } from '../realtime/delivery.ts';
import { Refusal } from '../realtime/refusal.ts';
import type { Lobby, LobbyRecord } from './lobby.ts';

export interface AdmissionDeps {
  lobby: Lobby;
  registry: CallRegistry;
  delivery: Delivery;
  log: Logger;
  audit: AuditTrail;
}

const notWaiting = (): Refusal =>
  new Refusal('not-allowed', 'That guest is not waiting to join you.');

export function createAdmission(deps: AdmissionDeps) {
  const { lobby, delivery, log, audit } = deps;

  /** Tells the guest why, ends their connections, and clears them from the advisor's lobby. */
  function sendAway(record: LobbyRecord, reason: GuestRefusal): void {
    delivery.toUser(record.guestId, 'guest-refused', {
      reason,
      message: GUEST_REFUSAL_MESSAGES[reason],
    });
    delivery.disconnectUser(record.guestId);
    delivery.toUser(record.advisorId, 'guest-gone', { guestId: record.guestId });
    log('guest.refused', { guestId: record.guestId, advisorId: record.advisorId, reason });
    const actor = reason === 'denied' ? record.advisorId : SERVER_ACTOR;
    const { guestId, name, advisorId } = record;
    audit.record('guest.denied', actor, { guestId, name, advisorId, reason });
  }

  /** Refuses a waiting guest; false when they were no longer waiting (decided, gone). */
  async function refuse(record: LobbyRecord, reason: GuestRefusal): Promise<boolean> {
    const decided = await lobby.decide(record.guestId, record.advisorId, {
      state: 'refused',
      reason,
    });
    if (decided) sendAway(decided, reason);
    return decided !== undefined;
  }

  /** The guest, if waiting for this sender; refused as not-allowed otherwise. */
  async function waitingFor(sender: Sender, guestId: string): Promise<LobbyRecord> {
    const record = await lobby.get(guestId);
    if (record?.state !== 'waiting' || record.advisorId !== sender.userId) throw notWaiting();
    return record;
  }

  async function admit(sender: Sender, { guestId }: ClientPayload<'guest-admit'>) {
    const record = await waitingFor(sender, guestId);
    const call = await deps.registry.callOf(sender.userId);
    // Ringing counts: everyone rung now may join, and the guest would make one too many.
    if (call && call.participants.length >= MAX_PARTICIPANTS) {
      await refuse(record, 'meeting-full');
      throw new Refusal(
        'meeting-full',
        `Your meeting is full (${MAX_PARTICIPANTS} people), so ${record.name} was told to try again later.`,
      );
    }
    const admitted = await lobby.decide(guestId, sender.userId, { state: 'admitted' });
    if (!admitted) throw notWaiting();
    delivery.toUser(guestId, 'guest-admitted', {
      advisorId: sender.userId,
      advisorName: sender.displayName,
    });
    delivery.toUser(sender.userId, 'guest-gone', { guestId });
    log('guest.admitted', { guestId, advisorId: sender.userId });
    audit.record('guest.admitted', sender.userId, { guestId, name: record.name });
    return undefined;
  }

  async function deny(sender: Sender, { guestId }: ClientPayload<'guest-deny'>) {
    const record = await waitingFor(sender, guestId);
    if (!(await refuse(record, 'denied'))) throw notWaiting();
    return undefined;
  }

  /** The advisor withdrew a link: each guest still waiting through it is sent away. */
  async function linkRevoked(linkId: string, advisorId: string): Promise<void> {
    const waiting = await lobby.waitingFor(advisorId);
    await Promise.all(
      waiting.filter((r) => r.linkId === linkId).map((r) => refuse(r, 'link-revoked')),
    );
  }

  return {
    refuse,
    linkRevoked,
    handlers: { 'guest-admit': admit, 'guest-deny': deny },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
