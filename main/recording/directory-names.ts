/** Names the server's directory gives, for participants signaling did not name (a callee's). */
import { circlesResponseSchema } from '../../shared/protocol/rest.ts';
import type { Session } from '../session/session.ts';
import type { LookupNames } from './call-account.ts';

export function directoryNames(session: Pick<Session, 'get'>): LookupNames {
  return async (ids) => {
    const { circles } = await session.get('/api/circles', circlesResponseSchema);
    const wanted = new Set(ids);
    const names = new Map<string, string>();
    for (const circle of circles) {
      for (const member of circle.members) {
        if (wanted.has(member.id)) names.set(member.id, member.displayName);
      }
    }
    return names;
  };
}
