/** The call engine's current snapshot; re-renders on every change the engine publishes. */
import { useSyncExternalStore } from 'react';
import type { CallEngine, CallSnapshot } from '../../call/types.ts';

export function useEngine(engine: CallEngine): CallSnapshot {
  return useSyncExternalStore(engine.subscribe, engine.snapshot);
}
