/** The signaling connection's state (main owns the socket), kept current by `signal:connection`. */
import type { ConnectionState } from '../../../shared/bridge/contract.ts';
import { advisor } from '../../bridge.ts';
import { useBridgeState } from './use-bridge-state.ts';

const INITIAL: ConnectionState = { status: 'connecting', attempt: 0, message: null };

export function useConnection(): ConnectionState {
  return useBridgeState('signal:connection', advisor.signal.status, INITIAL) ?? INITIAL;
}
