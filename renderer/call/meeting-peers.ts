/**
 * The peer sessions of one call, keyed by participant id: made on demand, each wired to the
 * signaling channel for its own peer and to the call state for its own tiles. Also what is done
 * to all of them at once: new local tracks, the shared screen, the send quality for the
 * meeting's size, fresh TURN credentials, and who is speaking.
 */
import type { CallAction } from './call-state.ts';
import {
  createPeerSession,
  type IceConfig,
  type LocalTracks,
  type PeerSession,
} from './peer-session.ts';
import { sendQualityFor } from './send-quality.ts';

/** Above this remote audio level (0..1) someone is speaking. */
const SPEAKING_LEVEL = 0.02;
const SPEAKING_POLL_MS = 300;

export type PeerSignal =
  | { event: 'call-renegotiate'; body: { description: RTCSessionDescriptionInit } }
  | { event: 'ice-candidate'; body: { candidate: RTCIceCandidateInit } };

export interface MeetingPeers {
  get(peerId: string): PeerSession | undefined;
  /** The session with this peer, made now if there is none. */
  open(peerId: string, local: LocalTracks, ice: IceConfig): PeerSession;
  close(peerId: string): void;
  closeAll(): void;
  all(): PeerSession[];
  setLocalTracks(tracks: LocalTracks): Promise<void>;
  setScreen(screen: Parameters<PeerSession['setScreen']>[0]): Promise<void>;
  setIceServers(servers: RTCIceServer[]): void;
  /** The meeting now has `people` (me included): adapt what every camera sender sends. */
  fitTo(people: number): void;
}

export function createMeetingPeers(deps: {
  me: () => string;
  send: (peerId: string, signal: PeerSignal) => void;
  dispatch: (action: CallAction) => void;
  onFailed: (peerId: string, reason: 'media-failed' | 'media-lost') => void;
  screen: () => Parameters<PeerSession['setScreen']>[0];
}): MeetingPeers {
  const sessions = new Map<string, PeerSession>();
  let people = 2;
  let speakingTimer: ReturnType<typeof setInterval> | undefined;

  async function pollSpeaking(): Promise<void> {
    const all = [...sessions.values()];
    const levels = await Promise.all(all.map((s) => s.audioLevel().catch(() => 0)));
    const ids = all.filter((_s, i) => (levels[i] ?? 0) > SPEAKING_LEVEL).map((s) => s.peerId);
    deps.dispatch({ type: 'speaking', ids });
  }

  function open(peerId: string, local: LocalTracks, ice: IceConfig): PeerSession {
    const existing = sessions.get(peerId);
    if (existing) return existing;
    const session = createPeerSession({
      peerId,
      // Politeness from the two user ids: both sides agree without asking.
      polite: deps.me() > peerId,
      ice,
      local,
      events: {
        sendDescription: (description) => {
          deps.send(peerId, { event: 'call-renegotiate', body: { description } });
        },
        sendCandidate: (candidate) => {
          deps.send(peerId, { event: 'ice-candidate', body: { candidate } });
        },
        onTrack: (slot, stream) => {
          deps.dispatch({ type: 'track', id: peerId, slot, stream });
        },
        onConnection: (connection) => {
          deps.dispatch({ type: 'connection', id: peerId, connection, at: Date.now() });
          if (connection !== 'connected') return;
          void session.setSendQuality(sendQualityFor(people));
          // Someone who joins while I share sees my screen too (after the first exchange,
          // so the camera keeps the first video m-line).
          const screen = deps.screen();
          if (screen) void session.setScreen(screen);
        },
        onFailed: (reason) => {
          deps.onFailed(peerId, reason);
        },
        onQuality: (quality) => {
          deps.dispatch({ type: 'quality', id: peerId, quality });
        },
      },
    });
    sessions.set(peerId, session);
    speakingTimer ??= setInterval(() => {
      void pollSpeaking();
    }, SPEAKING_POLL_MS);
    return session;
  }

  const closeAll = (): void => {
    for (const session of sessions.values()) session.close();
    sessions.clear();
    clearInterval(speakingTimer);
    speakingTimer = undefined;
  };

  return {
    get: (peerId) => sessions.get(peerId),
    open,
    close(peerId) {
      sessions.get(peerId)?.close();
      sessions.delete(peerId);
    },
    closeAll,
    all: () => [...sessions.values()],
    async setLocalTracks(tracks) {
      await Promise.all([...sessions.values()].map((s) => s.setLocalTracks(tracks)));
    },
    async setScreen(screen) {
      await Promise.all([...sessions.values()].map((s) => s.setScreen(screen)));
    },
    setIceServers(servers) {
      for (const session of sessions.values()) session.setIceServers(servers);
    },
    fitTo(count) {
      if (count === people) return;
      people = count;
      for (const session of sessions.values()) void session.setSendQuality(sendQualityFor(count));
    },
  };
}
