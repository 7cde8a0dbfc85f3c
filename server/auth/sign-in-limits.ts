/**
 * The sign-in budgets. Password guesses are limited per (account, client address), so an attacker
 * at one address spends only their own budget while the advisor signs in from theirs; per
 * account from anywhere (larger and slower), so guesses spread over many addresses stop too; and
 * every attempt per address, so one address cannot spray guesses over many accounts. Refreshes
 * have their own budget per address: an office behind one NAT must not share one with sign-ins.
 */
import type { BucketOptions, RateLimiter } from './rate-limit.ts';

export const SIGN_IN_LIMITS = {
  /** Sign-in attempts per client address, whatever the account. */
  address: { capacity: 30, refillPerSecond: 0.5 },
  /** Failed sign-ins per account from one client address. */
  pair: { capacity: 5, refillPerSecond: 1 / 60 },
  /** Failed sign-ins per account from every address together: 50 an hour. */
  account: { capacity: 50, refillPerSecond: 50 / 3600 },
  /** Refresh attempts per client address (no password hash to pay for: cheap). */
  refresh: { capacity: 60, refillPerSecond: 1 },
} satisfies Record<string, BucketOptions>;

export type SignInLimitName = keyof typeof SIGN_IN_LIMITS;
export type SignInLimits = Record<SignInLimitName, RateLimiter>;

/** The four buckets, each made by `make` (memory on one node, Redis across several). */
export function createSignInLimits(
  make: (name: SignInLimitName, options: BucketOptions) => RateLimiter,
): SignInLimits {
  return {
    address: make('address', SIGN_IN_LIMITS.address),
    pair: make('pair', SIGN_IN_LIMITS.pair),
    account: make('account', SIGN_IN_LIMITS.account),
    refresh: make('refresh', SIGN_IN_LIMITS.refresh),
  };
}
