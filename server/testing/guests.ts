/**
 * Guests in tests: an advisor's meeting link, a knock with it, and the guest's socket, all
 * through the real REST API and a real socket.io-client connection.
 */
import {
  createdGuestLinkSchema,
  knockResponseSchema,
  type CreatedGuestLink,
  type KnockResponse,
} from '../../shared/protocol/guest.ts';
import type { Client, Harness } from './harness.ts';

/** A new link of the advisor behind `accessToken`. */
export async function makeGuestLink(
  h: Harness,
  accessToken: string,
  validForMinutes?: number,
): Promise<CreatedGuestLink> {
  const body = validForMinutes === undefined ? {} : { validForMinutes };
  const res = await h.post('/api/guest-links', body, accessToken);
  if (res.status !== 201) throw new Error(`guest link: ${res.status} ${JSON.stringify(res.body)}`);
  return createdGuestLinkSchema.parse(res.body);
}

export async function knock(h: Harness, token: string, name: string): Promise<KnockResponse> {
  const res = await h.post('/api/guest/knock', { token, name });
  if (res.status !== 200) throw new Error(`knock: ${res.status} ${JSON.stringify(res.body)}`);
  return knockResponseSchema.parse(res.body);
}

/** The guest's socket; its `tokens.accessToken` is the guest token, `userId` the guest id. */
export function connectGuest(h: Harness, knocked: KnockResponse, name = 'Guest'): Promise<Client> {
  return h.connectWith(knocked.guestToken, {
    accessToken: knocked.guestToken,
    refreshToken: '',
    expiresIn: knocked.expiresIn,
    user: { id: knocked.guestId, username: knocked.guestId, displayName: name },
  });
}

/**
 * A guest named `name` knocks with a new link of `advisor`'s and waits in the lobby; resolves
 * once the advisor heard guest-waiting for them.
 */
export async function guestAtTheDoor(
  h: Harness,
  advisor: Client,
  name: string,
): Promise<{ guest: Client; link: CreatedGuestLink; knocked: KnockResponse }> {
  const link = await makeGuestLink(h, advisor.tokens.accessToken);
  const knocked = await knock(h, link.token, name);
  const guest = await connectGuest(h, knocked, name);
  for (;;) {
    const waiting = await advisor.next<{ guestId: string }>('guest-waiting');
    if (waiting.guestId === knocked.guestId) return { guest, link, knocked };
  }
}
