/**
 * The health of one peer connection: its ICE state in plain terms, ICE restarts (one side
 * leads, so both sides restarting never collide), the connect timeout and the lost timer. Each
 * participant's connection has its own, so one person's bad network touches only their tiles.
 * (Its quality is sampled for all sessions at once: meeting-meters.ts.)
 */
import type { PeerConnection } from './types.ts';

export interface HealthEvents {
  onConnection(connection: PeerConnection): void;
  /** Never connected in time ('media-failed'), or lost and not restored ('media-lost'). */
  onFailed(reason: 'media-failed' | 'media-lost'): void;
}

/** From the first offer to connected media; loopback takes under a second, relays a few. */
export const CONNECT_TIMEOUT_MS = 20_000;
/** How long a connection may stay "reconnecting" before it is given up as lost. */
export const LOST_AFTER_MS = 30_000;
/** How long ICE may stay "disconnected" before the leading side restarts it. */
const RESTART_AFTER_MS = 2_000;
/** The other side restarts too, later, in case the leader cannot (its app is stuck). */
const FOLLOWER_RESTART_AFTER_MS = 8_000;

export function watchHealth(
  pc: RTCPeerConnection,
  options: {
    polite: boolean;
    events: HealthEvents;
    /** The connect timeout starts at arm(), not now (an offer held while the invitee rings). */
    held?: boolean;
  },
): { connectedOnce(): boolean; arm(): void; stop(): void } {
  const { events } = options;
  // The impolite side leads restarts; the polite one would lose the glare anyway.
  const restartDelay = options.polite ? FOLLOWER_RESTART_AFTER_MS : RESTART_AFTER_MS;
  let connectedOnce = false;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let lostTimer: ReturnType<typeof setTimeout> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    if (connectTimer !== undefined || connectedOnce) return;
    connectTimer = setTimeout(() => {
      if (!connectedOnce) events.onFailed('media-failed');
    }, CONNECT_TIMEOUT_MS);
  };
  if (!options.held) arm();

  const restartSoon = (delay: number): void => {
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      const state = pc.iceConnectionState;
      if (state === 'disconnected' || state === 'failed') pc.restartIce();
    }, delay);
  };

  pc.oniceconnectionstatechange = () => {
    const state = pc.iceConnectionState;
    if (state === 'connected' || state === 'completed') {
      connectedOnce = true;
      clearTimeout(connectTimer);
      clearTimeout(restartTimer);
      clearTimeout(lostTimer);
      lostTimer = undefined;
      events.onConnection('connected');
    } else if (state === 'disconnected' || state === 'failed') {
      if (!connectedOnce) return; // the connect timeout covers a first connection
      events.onConnection('reconnecting');
      restartSoon(state === 'failed' && !options.polite ? 0 : restartDelay);
      lostTimer ??= setTimeout(() => {
        events.onFailed('media-lost');
      }, LOST_AFTER_MS);
    } else if (state === 'checking' || state === 'new') {
      events.onConnection(connectedOnce ? 'reconnecting' : 'connecting');
    }
  };

  return {
    connectedOnce: () => connectedOnce,
    arm,
    stop() {
      clearTimeout(connectTimer);
      clearTimeout(restartTimer);
      clearTimeout(lostTimer);
      pc.oniceconnectionstatechange = null;
    },
  };
}
