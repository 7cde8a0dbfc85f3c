/**
 * The little the call engine needs from its host: send and hear signaling, know who I am, get
 * ICE servers, and write a recording. The app's bridge (window.advisor, backed by main) is one;
 * the guest page's socket (renderer/guest/) is the other, so both run this one engine.
 */
import type { AdvisorApi } from '../../shared/bridge/api.ts';
import type { EventPayload } from '../../shared/bridge/contract.ts';

export interface CallBridge {
  signal: Pick<AdvisorApi['signal'], 'send' | 'status'>;
  session: Pick<AdvisorApi['session'], 'get'>;
  directory: Pick<AdvisorApi['directory'], 'iceServers'>;
  /** A guest cannot record: its host answers every call with an error result. */
  recording: Pick<AdvisorApi['recording'], 'start' | 'append' | 'stop'>;
  on<E extends 'signal:event' | 'signal:connection'>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): () => void;
}
