import {
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
} from '../../shared/protocol/rest.ts';
import { HttpError } from '../http/json.ts';
import { parseBody, type Router } from '../http/router.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';
import { requireUser } from './bearer.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { TokenService } from './tokens.ts';

export interface AuthRouteDeps {
  store: AccountStore;
  tokens: TokenService;
  log: Logger;
  /** Failed sign-ins per account. */
  accountLimiter: RateLimiter;
  /** Sign-in attempts per client address. */
  addressLimiter: RateLimiter;
}

const tooMany = () =>
  new HttpError(
    429,
    'rate-limited',
    'Too many sign-in attempts. Wait a few minutes and try again.',
  );

export function registerAuthRoutes(router: Router, deps: AuthRouteDeps): void {
  const { store, tokens, log } = deps;

  router.post('/api/auth/login', async (ctx) => {
    if (!(await deps.addressLimiter.take(ctx.address))) throw tooMany();
    const { username, password } = await parseBody(ctx, loginRequestSchema);
    if (!(await deps.accountLimiter.hasToken(username))) throw tooMany();
    const user = store.userByUsername(username);
    // Only a failure spends the account's budget, so an advisor is not locked out by signing in.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) {
      await deps.accountLimiter.take(username);
      log('auth.login-failed', { username, address: ctx.address });
      throw new HttpError(401, 'bad-credentials', 'Wrong username or password.');
    }
    if (user.disabled) {
      log('auth.login-disabled', { username });
      throw new HttpError(403, 'account-disabled', 'This account is disabled. Ask your IT team.');
    }
    await deps.accountLimiter.reset(username);
    log('auth.login', { userId: user.id });
    return tokens.issue(user);
  });

  router.post('/api/auth/refresh', async (ctx) => {
    if (!(await deps.addressLimiter.take(ctx.address))) throw tooMany();
    const { refreshToken } = await parseBody(ctx, refreshRequestSchema);
    const pair = await tokens.rotate(refreshToken);
    if (!pair) {
      log('auth.refresh-refused', { address: ctx.address });
      throw new HttpError(401, 'refresh-invalid', 'The session has ended. Sign in again.');
    }
    log('auth.refresh', { userId: pair.user.id });
    return pair;
  });

  router.post('/api/auth/logout', async (ctx) => {
    const { refreshToken } = await parseBody(ctx, logoutRequestSchema);
    tokens.revoke(refreshToken);
    log('auth.logout', {});
    return { ok: true };
  });

  router.get('/api/me', async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    return { id: user.id, username: user.username, displayName: user.displayName };
  });
}
