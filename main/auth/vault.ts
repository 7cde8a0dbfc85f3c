/**
 * The token vault: access and refresh tokens per server and account, in the OS keychain and
 * nowhere else. When the keychain cannot be used, every call fails with 'keychain-unavailable'
 * and nothing is written anywhere: there is deliberately no plaintext fallback.
 */
import { z } from 'zod';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import { userProfileSchema } from '../../shared/protocol/rest.ts';
import type { Keychain } from './keychain.ts';

export const storedSessionSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Milliseconds since the epoch. */
  accessExpiresAt: z.number(),
  user: userProfileSchema,
});
export type StoredSession = z.infer<typeof storedSessionSchema>;

export interface TokenVault {
  /** The session stored for this server, if any (one account per server). */
  read(serverUrl: string): Promise<StoredSession | null>;
  write(serverUrl: string, session: StoredSession): Promise<void>;
  clear(serverUrl: string): Promise<void>;
}

const KEYCHAIN_HELP =
  'RichesReach Advisor keeps your sign-in only in the system keychain, so it cannot sign you in until the keychain works. ' +
  'On Windows and macOS, check that you are signed in to your user account normally; on Linux, start and unlock GNOME Keyring or KWallet (a Secret Service).';

/** Turns any keychain failure into one clear, actionable error (the cause in brackets). */
export function keychainUnavailable(error: unknown): BridgeFailure {
  const cause = error instanceof Error ? error.message : String(error);
  return new BridgeFailure(
    'keychain-unavailable',
    `The system keychain is not available (${cause.slice(0, 160)}). ${KEYCHAIN_HELP}`,
  );
}

/** One keychain "service" per server origin, so two firms' servers never share an entry. */
export const serviceFor = (serverUrl: string): string =>
  `RichesReach Advisor (${new URL(serverUrl).origin})`;

export function createKeychainVault(keychain: Keychain): TokenVault {
  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw keychainUnavailable(error);
    }
  };

  return {
    async read(serverUrl) {
      const entries = await guard(() => keychain.findCredentials(serviceFor(serverUrl)));
      for (const entry of entries) {
        try {
          const parsed = storedSessionSchema.safeParse(JSON.parse(entry.password));
          if (parsed.success) return parsed.data;
        } catch {
          // Not ours or damaged: ignore it; sign-in replaces it.
        }
      }
      return null;
    },
    async write(serverUrl, session) {
      const service = serviceFor(serverUrl);
      await guard(async () => {
        for (const entry of await keychain.findCredentials(service)) {
          if (entry.account !== session.user.username)
            await keychain.deletePassword(service, entry.account);
        }
        await keychain.setPassword(service, session.user.username, JSON.stringify(session));
      });
    },
    async clear(serverUrl) {
      const service = serviceFor(serverUrl);
      await guard(async () => {
        for (const entry of await keychain.findCredentials(service)) {
          await keychain.deletePassword(service, entry.account);
        }
      });
    },
  };
}
