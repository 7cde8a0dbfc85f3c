/**
 * State that main owns and pushes on change (session, connection, settings): asked for once, then
 * kept current by its event. An event that arrives before the first answer is newer than that
 * answer, so the answer is then ignored. Pass a stable `ask` (a bridge function is one).
 */
import { useEffect, useState } from 'react';
import type { BridgeEvent } from '../../../shared/bridge/channels.ts';
import type { EventPayload } from '../../../shared/bridge/contract.ts';
import type { Result } from '../../../shared/bridge/results.ts';
import { advisor } from '../../bridge.ts';

export function useBridgeState<E extends BridgeEvent, T extends EventPayload<E>>(
  event: E,
  ask: () => Promise<Result<T>>,
  initial: T | null,
): T | null {
  const [state, setState] = useState<T | null>(initial);
  useEffect(() => {
    let heard = false;
    const off = advisor.on(event, (next) => {
      heard = true;
      setState(next as T);
    });
    void ask().then((result) => {
      if (result.ok && !heard) setState(result.value);
    });
    return off;
  }, [event, ask]);
  return state;
}
