/**
 * The link token comes from the page's address (`/join/<token>`) and goes only into the knock's
 * body: never into a log, a query string or storage.
 */
import { GUEST_PAGE_PATH, guestLinkTokenSchema } from '../../shared/protocol/guest.ts';

/** The token in this path, or null when the path holds none of the right shape. */
export function readJoinToken(pathname: string): string | null {
  if (!pathname.startsWith(GUEST_PAGE_PATH)) return null;
  const parsed = guestLinkTokenSchema.safeParse(pathname.slice(GUEST_PAGE_PATH.length));
  return parsed.success ? parsed.data : null;
}
