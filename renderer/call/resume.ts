/**
 * After a signaling outage the channel has sent call-resume for each participant before its
 * outbox (engine-context.ts). A server that forgot the call (it restarted) holds it pending
 * until both parties resume, and refuses mid-call messages until then: so send our mute/camera
 * state again until the server takes it, then send again an offer that still waits for its
 * answer (an ICE restart made during the outage, refused meanwhile).
 */
import type { MediaState } from '../../shared/protocol/signaling.ts';
import { inCall, joinedOthers } from './call-state.ts';
import type { EngineContext } from './engine-context.ts';

const RETRY_MS = 1_000;
/** The server waits up to 30 s for the second party's resume; our state is resent that long. */
const ATTEMPTS = 30;

export async function resumeAfterOutage(
  context: EngineContext,
  mediaState: () => MediaState,
): Promise<void> {
  const callId = context.state().callId;
  await Promise.all(
    joinedOthers(context.state()).map(async (p) => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (!context.isCurrent(callId) || !inCall(context.state())) return;
        const ack = await context.sendTo(p.id, 'media-state', { state: mediaState() });
        if (ack?.ok) {
          context.peers.get(p.id)?.resendPendingOffer();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }),
  );
}
