/**
 * What the server keeps: accounts, circles, refresh tokens and guest links. An interface, so that a shared
 * database can stand in for the embedded SQLite file when several nodes run.
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
  insertGuestLink(link: Omit<GuestLinkRecord, 'revokedAt'>): void;
  guestLinkByHash(tokenHash: string): GuestLinkRecord | undefined;
  guestLinkById(id: string): GuestLinkRecord | undefined;
  /** The advisor's links neither expired (at `now`) nor revoked, oldest first. */
  liveGuestLinks(advisorId: string, now: number): GuestLinkRecord[];
  /** False when the link is not this advisor's, unknown, or revoked already. */
  revokeGuestLink(id: string, advisorId: string, at: number): boolean;
}

export class StoreError extends Error {
  readonly code: 'exists' | 'not-found';
  constructor(code: 'exists' | 'not-found', message: string) {
    super(message);
    this.code = code;
  }
}

export interface AccountStore extends GuestLinkStore {
  createUser(user: { username: string; displayName: string; passwordHash: string }): PublicUser;
  userByUsername(username: string): UserRecord | undefined;
  userById(id: string): UserRecord | undefined;
  setPasswordHash(username: string, passwordHash: string): void;
  setDisabled(username: string, disabled: boolean): void;
  countUsers(): number;
  listUsers(): PublicUser[];

  createCircle(name: string): { id: string; name: string };
  addMember(circleName: string, username: string): void;
  removeMember(circleName: string, username: string): void;
  listCircles(): CircleRecord[];
  circlesOf(userId: string): CircleRecord[];
  /** Ids of every enabled user who shares at least one circle with this one (not itself). */
  circleMateIds(userId: string): string[];
  shareCircle(a: string, b: string): boolean;

  insertRefreshToken(token: Omit<RefreshTokenRecord, 'usedAt' | 'revokedAt'>): void;
  refreshToken(tokenHash: string): RefreshTokenRecord | undefined;
  /** Marks a token used; false when it was used or revoked already (so only one caller wins). */
  useRefreshToken(tokenHash: string, at: number): boolean;
  revokeFamily(familyId: string, at: number): void;
  revokeUserTokens(userId: string, at: number): void;

  close(): void;
}
