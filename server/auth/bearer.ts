import { HttpError } from '../http/json.ts';
import type { RequestContext } from '../http/router.ts';
import type { AccountStore, UserRecord } from '../storage/store.ts';
import { TokenError, type TokenService } from './tokens.ts';

/** The signed-in, enabled user behind `Authorization: Bearer <access token>`. */
export async function requireUser(
  ctx: RequestContext,
  tokens: TokenService,
  store: AccountStore,
): Promise<UserRecord> {
  const header = ctx.req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header);
  if (!match?.[1]) throw new HttpError(401, 'auth-missing', 'Sign in first.');
  try {
    const claims = await tokens.verifyAccess(match[1]);
    const user = await store.userById(claims.userId);
    if (!user || user.disabled)
      throw new HttpError(401, 'account-disabled', 'This account is disabled.');
    return user;
  } catch (error) {
    if (error instanceof TokenError) {
      throw new HttpError(401, `auth-${error.reason}`, error.message);
    }
    throw error;
  }
}
