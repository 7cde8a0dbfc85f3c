import {
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
} from '../../shared/protocol/rest.ts';
import { ANONYMOUS_ACTOR } from '../audit/audit-record.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { HttpError } from '../http/json.ts';
import { parseBody, type Router } from '../http/router.ts';
import type { Logger } from '../log.ts';
import type { AccountStore } from '../storage/store.ts';
import { requireUser } from './bearer.ts';
import { PASSWORD_COST, type ScryptCost } from './passwords.ts';
import { checkSignIn, tooManyAttempts } from './sign-in.ts';
import type { SignInLimits } from './sign-in-limits.ts';
import type { TokenService } from './tokens.ts';

export interface AuthRouteDeps {
  store: AccountStore;
  tokens: TokenService;
  log: Logger;
  /** Sign-ins, failed ones, refusals and sign-outs are recorded here. */
  audit: AuditTrail;
  /** Sign-in and refresh budgets (sign-in-limits.ts). */
  limits: SignInLimits;
  /** The scrypt cost of password hashes; only tests lower it. */
  passwordCost?: ScryptCost;
}

export function registerAuthRoutes(router: Router, deps: AuthRouteDeps): void {
  const { store, tokens, log, audit, limits } = deps;
  const signIn = { store, log, audit, limits, passwordCost: deps.passwordCost ?? PASSWORD_COST };

  router.post('/api/auth/login', async (ctx) => {
    if (!(await limits.address.take(ctx.address))) throw tooManyAttempts();
    const { username, password } = await parseBody(ctx, loginRequestSchema);
    const user = await checkSignIn(signIn, { username, password, address: ctx.address });
    log('auth.login', { userId: user.id });
    audit.record('auth.sign-in', user.id, { username, address: ctx.address });
    return tokens.issue(user);
  });

  router.post('/api/auth/refresh', async (ctx) => {
    // A budget of its own: an office behind one address must not share one with its sign-ins.
    if (!(await limits.refresh.take(ctx.address))) throw tooManyAttempts();
    const { refreshToken } = await parseBody(ctx, refreshRequestSchema);
    const pair = await tokens.rotate(refreshToken);
    if (!pair) {
      log('auth.refresh-refused', { address: ctx.address });
      audit.record('auth.refresh-refused', ANONYMOUS_ACTOR, { address: ctx.address });
      throw new HttpError(401, 'refresh-invalid', 'The session has ended. Sign in again.');
    }
    log('auth.refresh', { userId: pair.user.id });
    return pair;
  });

  router.post('/api/auth/logout', async (ctx) => {
    const { refreshToken } = await parseBody(ctx, logoutRequestSchema);
    const userId = await tokens.revoke(refreshToken);
    log('auth.logout', {});
    if (userId) audit.record('auth.sign-out', userId, { address: ctx.address });
    return { ok: true };
  });

  router.get('/api/me', async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    return { id: user.id, username: user.username, displayName: user.displayName };
  });
}
