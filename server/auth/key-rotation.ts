/**
 * `npm run admin -- keys rotate` and `keys list`: a new current token signing key in the shared
 * database, the one it replaces accepted for REPLACED_KEY_ACCEPTED_MS more (key-ring.ts), and keys
 * replaced longer ago than that deleted. Every node picks the new key up within a minute, or at
 * once when it first sees a token signed with it.
 */
import { newAccessKey } from '../storage/new-keys.ts';
import type { AccountStore, ServerKeyRecord } from '../storage/store.ts';
import { REPLACED_KEY_ACCEPTED_MS } from './key-ring.ts';

export interface RotationResult {
  kid: string;
  /** The key it replaced, accepted until `acceptedUntil` (ms); none on an empty database. */
  replaced?: { kid: string; acceptedUntil: number };
  deleted: string[];
}

export async function rotateTokenKey(store: AccountStore, now: number): Promise<RotationResult> {
  const older = await store.serverKeys('access');
  // Strictly newer than the current key, so "newest first" never ties.
  const fresh = newAccessKey(Math.max(now, (older[0]?.createdAt ?? 0) + 1));
  await store.addServerKey(fresh);
  const keys = [fresh, ...older];
  const deleted: string[] = [];
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as ServerKeyRecord;
    const successor = keys[i - 1] as ServerKeyRecord;
    if (successor.createdAt + REPLACED_KEY_ACCEPTED_MS <= now) {
      await store.deleteServerKey(key.kid);
      deleted.push(key.kid);
    }
  }
  const [, replaced] = keys;
  return {
    kid: fresh.kid,
    ...(replaced
      ? {
          replaced: {
            kid: replaced.kid,
            acceptedUntil: fresh.createdAt + REPLACED_KEY_ACCEPTED_MS,
          },
        }
      : {}),
    deleted,
  };
}

/** One line per key: its id, when it was made, and whether it signs, is still accepted, or not. */
export async function describeTokenKeys(store: AccountStore, now: number): Promise<string[]> {
  const keys = await store.serverKeys('access');
  return keys.map((key, i) => {
    const made = new Date(key.createdAt).toISOString();
    const successor = keys[i - 1];
    if (!successor) return `${key.kid}  made ${made}  current: signs new tokens`;
    const until = successor.createdAt + REPLACED_KEY_ACCEPTED_MS;
    return until > now
      ? `${key.kid}  made ${made}  replaced: accepted until ${new Date(until).toISOString()}`
      : `${key.kid}  made ${made}  replaced: no longer accepted`;
  });
}
