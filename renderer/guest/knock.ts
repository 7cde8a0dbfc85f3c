/**
 * Knocking: the link token and the guest's name go to the server, which answers with a guest
 * token for the advisor's lobby, or refuses. Every answer becomes a plain sentence.
 */
import {
  LINK_INVALID,
  knockResponseSchema,
  type KnockResponse,
} from '../../shared/protocol/guest.ts';

export type KnockOutcome =
  | { kind: 'let-in'; response: KnockResponse }
  /** The link is unknown, expired or withdrawn: nothing on this page can change that. */
  | { kind: 'invalid'; message: string }
  /** Worth another try (later, or after fixing something). */
  | { kind: 'error'; message: string };

export const TOO_MANY = 'Too many attempts from your network. Wait a minute, then try again.';
export const UNREACHABLE =
  "Cannot reach the meeting's server. Check your internet connection, then try again.";
const SERVER_PROBLEM = "The meeting's server has a problem right now. Try again in a moment.";
const NOT_ACCEPTED = 'The server did not accept your name. Check it, then try again.';

export async function knock(origin: string, token: string, name: string): Promise<KnockOutcome> {
  let response: Response;
  try {
    response = await fetch(new URL('/api/guest/knock', origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name }),
      cache: 'no-store',
    });
  } catch {
    return { kind: 'error', message: UNREACHABLE };
  }
  if (response.status === 404) return { kind: 'invalid', message: LINK_INVALID.message };
  if (response.status === 429) return { kind: 'error', message: TOO_MANY };
  if (response.status === 400) return { kind: 'error', message: NOT_ACCEPTED };
  if (!response.ok) return { kind: 'error', message: SERVER_PROBLEM };
  const parsed = knockResponseSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return { kind: 'error', message: SERVER_PROBLEM };
  return { kind: 'let-in', response: parsed.data };
}
