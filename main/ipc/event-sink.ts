/**
 * Events main pushes to the renderer, validated against the contract before they leave, so the
 * renderer only ever receives what its types promise.
 */
import type { BridgeEvent } from '../../shared/bridge/channels.ts';
import { events, type EventPayload } from '../../shared/bridge/contract.ts';

export type EventSink = <E extends BridgeEvent>(event: E, payload: EventPayload<E>) => void;

export function createEventSink(
  deliver: (event: BridgeEvent, payload: unknown) => void,
  onDropped: (event: BridgeEvent, reason: string) => void = () => undefined,
): EventSink {
  return (event, payload) => {
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      onDropped(event, parsed.error.issues[0]?.message ?? 'invalid');
      return;
    }
    deliver(event, parsed.data);
  };
}
