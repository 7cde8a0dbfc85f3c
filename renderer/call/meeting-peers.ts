/**
 * The peer sessions of one call, keyed by participant id: made on demand, each wired to the
 * signaling channel for its own peer and to the call state for its own tiles. Also what is done
 * to all of them at once: new local tracks, the shared screen, the send quality for the
 * meeting's size, fresh TURN credentials, and who is speaking.
 */
import type { CallAction } from './call-state.ts';
import { createCallCertificates } from './call-certificates.ts';
import { createMeetingMeters } from './meeting-meters.ts';
import {
  createPeerSession,
  type IceConfig,
  type LocalTracks,
  type PeerSession,
} from './peer-session.ts';
import { sendQualityFor, type SendQuality } from './send-quality.ts';

export type PeerSignal =
  | { event: 'call-renegotiate'; body: { description: RTCSessionDescriptionInit } }
  | { event: 'ice-candidate'; body: { candidate: RTCIceCandidateInit } };

export interface MeetingPeers {
  get(peerId: string): PeerSession | undefined;
  /** The session with this peer, made now if there is none (`held`: PeerSession.release). */
  open(peerId: string, local: LocalTracks, ice: IceConfig, held?: boolean): PeerSession;
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
  /** Sets the camera's capture for a quality (before the senders, whose scale follows it). */
  fitCapture: (quality: SendQuality) => Promise<void>;
}): MeetingPeers {
  const sessions = new Map<string, PeerSession>();
  const certificates = createCallCertificates();
  let people = 2;
  const meters = createMeetingMeters({
    sessions: () => [...sessions.values()],
    dispatch: deps.dispatch,
  });

  function open(peerId: string, local: LocalTracks, ice: IceConfig, held = false): PeerSession {
    const existing = sessions.get(peerId);
    if (existing) return existing;
    const session = createPeerSession({
      peerId,
      // Politeness from the two user ids: both sides agree without asking.
      polite: deps.me() > peerId,
      ice,
      certificates: certificates.current(),
      local,
      held,
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
      },
    });
    sessions.set(peerId, session);
    meters.start();
    return session;
  }

  const closeAll = (): void => {
    for (const session of sessions.values()) session.close();
    sessions.clear();
    meters.stop();
    certificates.renew(); // the next call's
    // The next call starts as a call of two, whatever this one had become.
    people = 2;
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
      const quality = sendQualityFor(people);
      await Promise.all(
        [...sessions.values()].map(async (s) => {
          await s.setLocalTracks(tracks);
          // The scale follows what the camera captures (send-quality.ts): now a camera is there.
          await s.setSendQuality(quality);
        }),
      );
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
      const quality = sendQualityFor(count);
      void deps.fitCapture(quality).finally(() => {
        if (people !== count) return; // the meeting changed size again meanwhile
        for (const session of sessions.values()) void session.setSendQuality(quality);
      });
    },
  };
}
