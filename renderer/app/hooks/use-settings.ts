/** The settings view (values, IT's pinned keys, recording policy), kept current by `settings:changed`. */
import type { SettingsView } from '../../../shared/bridge/contract.ts';
import { advisor } from '../../bridge.ts';
import { useBridgeState } from './use-bridge-state.ts';

/** `null` until main has answered once. */
export function useSettings(): SettingsView | null {
  return useBridgeState('settings:changed', advisor.settings.get, null);
}
