/**
 * Guests' connections and the lobby: a guest's socket puts them in their advisor's lobby (the
 * advisor's devices hear guest-waiting), a refused guest or one whose link was withdrawn is told
 * so and sent away, an admitted one who reconnects is told they are in (not put back in the
 * lobby), and a waiting guest whose last connection leaves is gone. An advisor's socket hears of
 * every guest waiting for them when it connects, so nothing is lost when the app restarts.
 */
import type { Socket } from 'socket.io';
import {
  GUEST_REFUSAL_MESSAGES,
  isGuestId,
  type GuestRefusal,
} from '../../shared/protocol/guest.ts';
import type { ServerEventName, ServerPayload } from '../../shared/protocol/signaling.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { Logger } from '../log.ts';
import type { Delivery } from '../realtime/delivery.ts';
import type { GuestSocketUser } from '../realtime/socket-auth.ts';
import type { AccountStore } from '../storage/store.ts';
import type { Admission } from './admission.ts';
import type { LinkService } from './links.ts';
import type { Lobby } from './lobby.ts';

export interface GuestSocketDeps {
  lobby: Lobby;
  links: LinkService;
  store: AccountStore;
  delivery: Delivery;
  admission: Admission;
  log: Logger;
  audit: AuditTrail;
}

const emit = <E extends ServerEventName>(socket: Socket, event: E, payload: ServerPayload<E>) =>
  socket.emit(event, payload);

function turnAway(socket: Socket, reason: GuestRefusal): void {
  emit(socket, 'guest-refused', { reason, message: GUEST_REFUSAL_MESSAGES[reason] });
  socket.disconnect(true);
}

export function guestSockets(deps: GuestSocketDeps) {
  const { lobby, links, delivery, log } = deps;

  /** A guest's socket connected (authenticated already). */
  async function arrived(socket: Socket, guest: GuestSocketUser): Promise<void> {
    const { userId: guestId, advisorId, linkId } = guest;
    const known = await lobby.get(guestId);
    if (known?.state === 'refused') {
      turnAway(socket, known.reason ?? 'denied');
      return;
    }
    if (!(await links.admits(linkId))) {
      turnAway(socket, 'link-revoked');
      return;
    }
    const { record, created } = await lobby.enter({
      guestId,
      name: guest.displayName,
      advisorId,
      linkId,
      state: 'waiting',
      expiresAt: guest.expiresAt,
    });
    if (record.state === 'admitted') {
      const advisorName = (await deps.store.userById(advisorId))?.displayName ?? '';
      emit(socket, 'guest-admitted', { advisorId, advisorName });
      return;
    }
    if (record.state === 'refused') {
      turnAway(socket, record.reason ?? 'denied');
      return;
    }
    if (!created) return; // another connection of theirs is waiting already
    delivery.toUser(advisorId, 'guest-waiting', { guestId, name: record.name });
    log('guest.waiting', { guestId, advisorId });
    // Withdrawn while entering: the revocation may have looked before this guest was in. The
    // advisor is told the guest is gone even if the revocation got them first and told it too.
    if (!(await links.admits(linkId))) {
      await deps.admission.refuse(record, 'link-revoked');
      delivery.toUser(advisorId, 'guest-gone', { guestId });
    }
  }

  /**
   * A socket left (here, or on a node that died); `remaining`: that user's connections still
   * open. A guest left waiting with none is gone from the lobby.
   */
  async function left(userId: string, remaining: number): Promise<void> {
    if (remaining > 0 || !isGuestId(userId)) return;
    const record = await lobby.get(userId);
    if (record?.state !== 'waiting' || !(await lobby.leaveIfWaiting(userId))) return;
    delivery.toUser(record.advisorId, 'guest-gone', { guestId: userId });
    log('guest.left', { guestId: userId, advisorId: record.advisorId });
    deps.audit.record('guest.left', userId, { advisorId: record.advisorId, name: record.name });
  }

  /** A member's socket connected: the guests waiting for them, as if each had just knocked. */
  async function memberArrived(socket: Socket, userId: string): Promise<void> {
    for (const record of await lobby.waitingFor(userId)) {
      emit(socket, 'guest-waiting', { guestId: record.guestId, name: record.name });
    }
  }

  return { arrived, left, memberArrived };
}
export type GuestSockets = ReturnType<typeof guestSockets>;
