/** The session as main sees it (never a token): kept current by `session:changed`. */
import type { SessionState } from '../../../shared/bridge/contract.ts';
import { advisor } from '../../bridge.ts';
import { useBridgeState } from './use-bridge-state.ts';

/** `null` until main has answered once. */
export function useSession(): SessionState | null {
  return useBridgeState('session:changed', advisor.session.get, null);
}
