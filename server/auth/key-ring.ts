/**
 * The token signing keys a node holds: the current one, which signs every new access and guest
 * token (its id in the JWT header's `kid`), and the ones still accepted when checking a token.
 *
 * After `keys rotate`, the key it replaced stays accepted for the longest lifetime of a token it
 * may have signed (a guest token's four hours; access tokens live ten minutes at most) plus a
 * margin for nodes that have not reloaded yet. Refresh tokens are not signed (they are random
 * and stored hashed), so a rotation never signs anyone out. Nodes reload the keys every minute,
 * and at once (at most every few seconds) when a token names a key they do not know: a token
 * signed on a node that rotated already is accepted everywhere.
 */
import { GUEST_TOKEN_TTL_SECONDS } from './guest-tokens.ts';
import { LEGACY_ACCESS_KID } from '../storage/new-keys.ts';
import type { ServerKeyRecord } from '../storage/store.ts';

export interface TokenKey {
  kid: string;
  secret: Uint8Array;
}

export interface KeySet {
  current: TokenKey;
  /** Every key a token may be signed with, the current one among them. */
  accepted: TokenKey[];
}

/** How long a replaced key is still accepted: a guest token's lifetime, and five minutes. */
export const REPLACED_KEY_ACCEPTED_MS = (GUEST_TOKEN_TTL_SECONDS + 300) * 1000;

export const toTokenKey = (record: ServerKeyRecord): TokenKey => ({
  kid: record.kid,
  secret: Buffer.from(record.material, 'base64url'),
});

/**
 * The keys as the database holds them (newest first): the newest is current; an older one is
 * accepted until REPLACED_KEY_ACCEPTED_MS after the key that replaced it was made. Undefined
 * when there is none.
 */
export function keySetOf(records: ServerKeyRecord[], now: number): KeySet | undefined {
  const [newest] = records;
  if (!newest) return undefined;
  const accepted = records
    .filter((record, i) => {
      const successor = records[i - 1];
      return !successor || successor.createdAt + REPLACED_KEY_ACCEPTED_MS > now;
    })
    .map(toTokenKey);
  return { current: toTokenKey(newest), accepted };
}

export interface TokenKeyRing {
  /** The key new tokens are signed with. */
  current(): TokenKey;
  /** The secret of an accepted key (a token without an id: only an older version's key's). */
  forKid(kid: string | undefined): Promise<Uint8Array | undefined>;
  stop(): void;
}

export interface KeyRingOptions {
  /** How often the keys are read again (default a minute). */
  reloadMs?: number;
  /** Reads prompted by an unknown key id come at most this often (default 5 s). */
  unknownReloadMs?: number;
  /** A reload that failed (the old keys stay in use). */
  onError?: (error: unknown) => void;
}

/** A ring over `load`, read once now (its errors are the caller's) and then in the background. */
export async function createKeyRing(
  load: () => Promise<KeySet>,
  options: KeyRingOptions = {},
): Promise<TokenKeyRing> {
  let keys = await load();
  // Reads asked for by unknown key ids, which anyone can send: one per few seconds at most.
  let lastAsked = 0;
  let loading: Promise<void> | undefined;
  const reload = (): Promise<void> =>
    (loading ??= load()
      .then((fresh) => {
        keys = fresh;
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        loading = undefined;
      }));
  const timer = setInterval(() => void reload(), options.reloadMs ?? 60_000);
  timer.unref();
  const find = (kid: string) => keys.accepted.find((key) => key.kid === kid)?.secret;

  return {
    current: () => keys.current,
    async forKid(kid) {
      const id = kid ?? LEGACY_ACCESS_KID;
      const known = find(id);
      if (known || kid === undefined) return known;
      if (Date.now() - lastAsked >= (options.unknownReloadMs ?? 5_000)) {
        lastAsked = Date.now();
        await reload();
      }
      return find(id);
    },
    stop: () => {
      clearInterval(timer);
    },
  };
}

/** A ring of fixed keys (tests, benchmarks): the first is current. */
export function fixedKeyRing(keys: TokenKey[]): TokenKeyRing {
  const [current] = keys;
  if (!current) throw new Error('A key ring needs a key.');
  return {
    current: () => current,
    forKid: (kid) =>
      Promise.resolve(keys.find((key) => key.kid === (kid ?? LEGACY_ACCESS_KID))?.secret),
    stop: () => undefined,
  };
}
