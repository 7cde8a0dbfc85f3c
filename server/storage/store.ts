/**
 * What the server keeps: accounts, circles, refresh tokens, guest links and the server's own keys.
 * One async interface, two implementations: SQLite in the data folder (sqlite-store.ts, the
 * zero-set-up default) and PostgreSQL (pg-store.ts, `--database postgres://…`, shared by nodes on
 * several machines). Callers never know which one they hold.
 */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  disabled: boolean;
}
export type PublicUser = Omit<UserRecord, 'passwordHash'>;

export interface CircleRecord {
  id: string;
  name: string;
  members: PublicUser[];
}

export interface RefreshTokenRecord {
  tokenHash: string;
  familyId: string;
  userId: string;
  /** When the family's first token was issued (the sign-in): its absolute lifetime counts from here. */
  familyStartedAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

/** A meeting link an advisor made for guests (shared/protocol/guest.ts). */
export interface GuestLinkRecord {
  id: string;
  /** SHA-256 of the token, base64url: the token itself is never stored. */
  tokenHash: string;
  advisorId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface GuestLinkStore {
  insertGuestLink(link: Omit<GuestLinkRecord, 'revokedAt'>): Promise<void>;
  guestLinkByHash(tokenHash: string): Promise<GuestLinkRecord | undefined>;
  guestLinkById(id: string): Promise<GuestLinkRecord | undefined>;
  /** The advisor's links neither expired (at `now`) nor revoked, oldest first. */
  liveGuestLinks(advisorId: string, now: number): Promise<GuestLinkRecord[]>;
  /** False when the link is not this advisor's, unknown, or revoked already. */
  revokeGuestLink(id: string, advisorId: string, at: number): Promise<boolean>;
}

/** `access`: the HS256 secret of access and guest tokens; `receipt`: the Ed25519 receipt key. */
export type KeyPurpose = 'access' | 'receipt';

export interface ServerKeyRecord {
  /** The key id: `kid` in the JWT header, `serverKeyId` in a receipt. */
  kid: string;
  purpose: KeyPurpose;
  /** base64url bytes (access) or PKCS#8 PEM (receipt). Secret: never logged. */
  material: string;
  createdAt: number;
}

export interface KeyStore {
  /** The keys of one purpose, newest (the current one) first. */
  serverKeys(purpose: KeyPurpose): Promise<ServerKeyRecord[]>;
  addServerKey(key: ServerKeyRecord): Promise<void>;
  deleteServerKey(kid: string): Promise<void>;
}

export class StoreError extends Error {
  readonly code: 'exists' | 'not-found';
  constructor(code: 'exists' | 'not-found', message: string) {
    super(message);
    this.code = code;
  }
}

export interface AccountStore extends GuestLinkStore, KeyStore {
  createUser(user: {
    username: string;
    displayName: string;
    passwordHash: string;
  }): Promise<PublicUser>;
  userByUsername(username: string): Promise<UserRecord | undefined>;
  userById(id: string): Promise<UserRecord | undefined>;
  setPasswordHash(username: string, passwordHash: string): Promise<void>;
  /** Sets the hash only while it is still `expected` (a rehash never undoes an admin's change). */
  replacePasswordHash(userId: string, expected: string, fresh: string): Promise<boolean>;
  setDisabled(username: string, disabled: boolean): Promise<void>;
  /** Of these user ids, the ones whose account is disabled or gone (one query, however many). */
  inactiveUserIds(ids: string[]): Promise<string[]>;
  countUsers(): Promise<number>;
  listUsers(): Promise<PublicUser[]>;

  createCircle(name: string): Promise<{ id: string; name: string }>;
  addMember(circleName: string, username: string): Promise<void>;
  removeMember(circleName: string, username: string): Promise<void>;
  listCircles(): Promise<CircleRecord[]>;
  /** The user's circles with their members, in one query. */
  circlesOf(userId: string): Promise<CircleRecord[]>;
  /** Ids of every enabled user who shares at least one circle with this one (not itself). */
  circleMateIds(userId: string): Promise<string[]>;
  shareCircle(a: string, b: string): Promise<boolean>;

  /** A new family's first token, at sign-in. */
  insertRefreshToken(token: Omit<RefreshTokenRecord, 'usedAt' | 'revokedAt'>): Promise<void>;
  refreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * One transaction: marks the token used and stores its successor in the same family. False
   * (and nothing changed) when it was used, revoked or expired at `at` already, so of two
   * presenting it at once only one wins.
   */
  rotateRefreshToken(
    tokenHash: string,
    at: number,
    next: { tokenHash: string; expiresAt: number },
  ): Promise<boolean>;
  revokeFamily(familyId: string, at: number): Promise<void>;
  revokeUserTokens(userId: string, at: number): Promise<void>;
  /** Deletes the refresh tokens expired at `now`; resolves with how many. */
  pruneRefreshTokens(now: number): Promise<number>;

  close(): Promise<void>;
}

/** The same methods, synchronous: what the SQLite implementation writes before asAsync wraps it. */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

/**
 * Wraps synchronous methods so each returns a promise. The work runs at the call itself, before
 * the promise is handed back, and a throw becomes a rejection.
 */
export function asAsync<T>(sync: Synchronous<T>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(
    sync as Record<string, (...a: unknown[]) => unknown>,
  )) {
    wrapped[name] = (...args: unknown[]) =>
      new Promise((resolve) => {
        resolve(method(...args));
      });
  }
  return wrapped as T;
}
