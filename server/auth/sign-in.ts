/**
 * Checking a sign-in: the limits (taken before the password is checked, given back when it was
 * right), the password against the stored hash (or a dummy one, in the same time, for unknown
 * users), and the hash made again at the current cost when it was made at an older one.
 */
import { ANONYMOUS_ACTOR } from '../audit/audit-record.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { HttpError } from '../http/json.ts';
import type { Logger } from '../log.ts';
import type { AccountStore, UserRecord } from '../storage/store.ts';
import {
  dummyHash,
  hashPassword,
  needsRehash,
  verifyPassword,
  type ScryptCost,
} from './passwords.ts';
import type { SignInLimits } from './sign-in-limits.ts';

export interface SignInDeps {
  store: AccountStore;
  log: Logger;
  audit: AuditTrail;
  limits: SignInLimits;
  /** The scrypt cost new hashes are made at. */
  passwordCost: ScryptCost;
}

export const tooManyAttempts = () =>
  new HttpError(
    429,
    'rate-limited',
    'Too many sign-in attempts. Wait a few minutes and try again.',
  );

const tooManyForAccount = () =>
  new HttpError(
    429,
    'rate-limited',
    'This account has had too many failed sign-ins. Wait an hour and try again, or ask your IT team.',
  );

/** The user whose password this is, or an HttpError for the client. */
export async function checkSignIn(
  deps: SignInDeps,
  attempt: { username: string; password: string; address: string },
): Promise<UserRecord> {
  const { store, log, limits } = deps;
  const { username, password, address } = attempt;
  // Spent before the password is checked: parallel guesses cannot all pass a check made before
  // any of them failed. The pair's bucket first, so a guesser whose own is empty spends nothing
  // of the account's.
  const pair = JSON.stringify([username, address]);
  if (!(await limits.pair.take(pair))) throw tooManyAttempts();
  if (!(await limits.account.take(username))) {
    await limits.pair.giveBack(pair);
    throw tooManyForAccount();
  }
  const user = await store.userByUsername(username);
  const ok = await verifyPassword(
    password,
    user?.passwordHash ?? (await dummyHash(deps.passwordCost)),
  );
  if (!user || !ok) {
    log('auth.login-failed', { username, address });
    const actor = user?.id ?? ANONYMOUS_ACTOR;
    deps.audit.record('auth.sign-in-failed', actor, {
      username,
      address,
      reason: 'bad-credentials',
    });
    throw new HttpError(401, 'bad-credentials', 'Wrong username or password.');
  }
  // The right password is not a guess: its tokens go back. Earlier failures stay counted.
  await Promise.all([limits.pair.giveBack(pair), limits.account.giveBack(username)]);
  if (user.disabled) {
    log('auth.login-disabled', { username });
    deps.audit.record('auth.sign-in-failed', user.id, { username, address, reason: 'disabled' });
    throw new HttpError(403, 'account-disabled', 'This account is disabled. Ask your IT team.');
  }
  await upgradeHash(deps, user, password);
  return user;
}

/** Hashes the password again at the current cost if its stored hash was made at another. */
async function upgradeHash(deps: SignInDeps, user: UserRecord, password: string): Promise<void> {
  if (!needsRehash(user.passwordHash, deps.passwordCost)) return;
  try {
    const fresh = await hashPassword(password, deps.passwordCost);
    // Only over the hash just checked (one conditional UPDATE): a password an admin set
    // meanwhile wins.
    if (!(await deps.store.replacePasswordHash(user.id, user.passwordHash, fresh))) return;
    deps.log('auth.password-rehashed', { userId: user.id });
  } catch (error) {
    // The sign-in stands; the next one tries again.
    deps.log('auth.rehash-failed', { userId: user.id, error: (error as Error).name });
  }
}
