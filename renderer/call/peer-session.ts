/**
 * One peer session per remote participant: its own RTCPeerConnection and transceivers (voice,
 * camera, screen, screen sound), perfect negotiation, and its own health (peer-health.ts). The
 * first audio and the first video transceiver, in m-line order, are the voice and camera on both
 * sides; any later one is a shared screen. So a remote track is placed by its transceiver, never
 * by the order its events happen to arrive in.
 */
import { preferResolution } from './local-media.ts';
import { createNegotiation, type Negotiation } from './peer-negotiation.ts';
import { watchHealth, type HealthEvents } from './peer-health.ts';
import { createPeerMeter, type PeerSample } from './peer-meter.ts';
import { createSendQualityApplier, type SendQuality } from './send-quality.ts';
import type { PeerConnection } from './types.ts';

export interface IceConfig {
  servers: RTCIceServer[];
  policy: RTCIceTransportPolicy;
}

export interface SessionEvents extends HealthEvents {
  sendDescription(description: RTCSessionDescriptionInit): void;
  sendCandidate(candidate: RTCIceCandidateInit): void;
  onTrack(slot: 'camera' | 'screen', stream: MediaStream | null): void;
  onConnection(connection: PeerConnection): void;
}

/** What I send to everyone: the voice and camera in one stream. */
export interface LocalTracks {
  stream: MediaStream;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

export interface PeerSession {
  readonly peerId: string;
  readonly pc: RTCPeerConnection;
  /** The first offer of this pair. */
  offer(): Promise<RTCSessionDescriptionInit>;
  /** Makes the first offer of this pair and sends it (held, if the session is: release()). */
  sendOffer(): Promise<void>;
  /** A held session's offer and candidates go now, and its connect timeout starts. */
  release(): void;
  /** Made held, and not released yet. */
  isHeld(): boolean;
  /** A description from this peer; answers an offer (returned; sent too unless `reply` is false). */
  onDescription(
    description: RTCSessionDescriptionInit,
    reply?: boolean,
  ): Promise<RTCSessionDescriptionInit | null>;
  onCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  setLocalTracks(tracks: LocalTracks): Promise<void>;
  /** Sends the shared screen (and its sound), or stops sending it (null). */
  setScreen(
    screen: { track: MediaStreamTrack; sound: MediaStreamTrack | null; stream: MediaStream } | null,
  ): Promise<void>;
  setIceServers(servers: RTCIceServer[]): void;
  /** Camera resolution and rate for the meeting's size (send-quality.ts). */
  setSendQuality(quality: SendQuality): Promise<void>;
  resendPendingOffer(): void;
  /** Quality and voice level since the last sample (peer-meter.ts); null until first connected. */
  sample(): Promise<PeerSample | null>;
  close(): void;
}

export function createPeerSession(options: {
  peerId: string;
  polite: boolean;
  ice: IceConfig;
  /** This call's DTLS certificate, if made already (call-certificates.ts). */
  certificates?: RTCCertificate[];
  local: LocalTracks;
  events: SessionEvents;
  /**
   * Made for someone still ringing: what it would send (its offer, then its candidates) waits
   * for release(), when they have joined.
   */
  held?: boolean;
}): PeerSession {
  const { events } = options;
  let held: { offer: RTCSessionDescriptionInit | null; candidates: RTCIceCandidateInit[] } | null =
    options.held ? { offer: null, candidates: [] } : null;
  let local = options.local;
  const pc = new RTCPeerConnection({
    iceServers: options.ice.servers,
    iceTransportPolicy: options.ice.policy,
    bundlePolicy: 'max-bundle',
    ...(options.certificates ? { certificates: options.certificates } : {}),
  });
  const remote: Record<'camera' | 'screen', MediaStream | null> = { camera: null, screen: null };
  let screenVideo: RTCRtpTransceiver | null = null;
  let screenSound: RTCRtpTransceiver | null = null;

  const firstOf = (kind: 'audio' | 'video'): RTCRtpTransceiver | undefined =>
    pc.getTransceivers().find((t) => t.receiver.track.kind === kind);
  const isCameraPair = (t: RTCRtpTransceiver): boolean =>
    t === firstOf('audio') || t === firstOf('video');

  function placeRemote(track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
    const slot = isCameraPair(transceiver) ? 'camera' : 'screen';
    const current = remote[slot];
    // A repeated track event (another negotiation round) must not reset the video element.
    if (current?.getTracks().includes(track)) return;
    const others = current?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
    remote[slot] = new MediaStream([...others, track]);
    events.onTrack(slot, remote[slot]);
  }

  /** The answerer's voice and camera go on the offer's first audio and video transceivers. */
  function adoptCameraPair(): void {
    for (const kind of ['audio', 'video'] as const) {
      const transceiver = firstOf(kind);
      if (!transceiver || transceiver.sender.track) continue;
      transceiver.direction = 'sendrecv';
      transceiver.sender.setStreams(local.stream);
      void transceiver.sender.replaceTrack(kind === 'audio' ? local.audio : local.video);
    }
  }

  const negotiation: Negotiation = createNegotiation(pc, {
    polite: options.polite,
    sendDescription: (d) => {
      events.sendDescription(d);
    },
    beforeAnswer: adoptCameraPair,
  });

  pc.onicecandidate = ({ candidate }) => {
    if (!candidate) return;
    if (held) held.candidates.push(candidate.toJSON());
    else events.sendCandidate(candidate.toJSON());
  };
  pc.ontrack = (event) => {
    placeRemote(event.track, event.transceiver);
  };
  const health = watchHealth(pc, { polite: options.polite, events, held: !!held });
  const applySendQuality = createSendQualityApplier();
  const measure = createPeerMeter(pc, () => firstOf('audio')?.mid ?? null);

  async function makeOffer(): Promise<RTCSessionDescriptionInit> {
    pc.addTransceiver(local.audio ?? 'audio', { direction: 'sendrecv', streams: [local.stream] });
    pc.addTransceiver(local.video ?? 'video', { direction: 'sendrecv', streams: [local.stream] });
    // The camera's sender settings come once connected (setSendQuality), not in the offer's way.
    return negotiation.createOffer();
  }

  return {
    peerId: options.peerId,
    pc,

    offer: makeOffer,

    async sendOffer() {
      const offer = await makeOffer();
      if (pc.signalingState === 'closed') return;
      if (held) held.offer = offer;
      else events.sendDescription(offer);
    },

    release() {
      if (!held) return;
      const { offer, candidates } = held;
      held = null;
      // Not made yet: sendOffer() sends it when it is.
      if (offer) events.sendDescription(offer);
      for (const candidate of candidates) events.sendCandidate(candidate);
      health.arm();
    },

    isHeld: () => held !== null,

    onDescription: (description, reply = true) => negotiation.applyRemote(description, reply),
    onCandidate: (candidate) => negotiation.addCandidate(candidate),

    async setLocalTracks(tracks) {
      local = tracks;
      await firstOf('audio')?.sender.replaceTrack(tracks.audio);
      await firstOf('video')?.sender.replaceTrack(tracks.video);
    },

    async setScreen(screen) {
      if (!screen) {
        for (const transceiver of [screenVideo, screenSound]) {
          if (!transceiver) continue;
          await transceiver.sender.replaceTrack(null);
          transceiver.direction = 'inactive';
        }
        return;
      }
      screenVideo = await sendOn(screenVideo, screen.track, screen.stream);
      await preferResolution(screenVideo.sender);
      if (screen.sound) screenSound = await sendOn(screenSound, screen.sound, screen.stream);
    },

    setIceServers(servers) {
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
    },

    async setSendQuality(quality) {
      const camera = firstOf('video');
      if (camera) await applySendQuality(camera.sender, quality);
    },

    resendPendingOffer: () => {
      negotiation.resendPendingOffer();
    },

    sample: () => (health.connectedOnce() ? measure() : Promise.resolve(null)),

    close() {
      held = null;
      health.stop();
      negotiation.close();
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.close();
    },
  };

  /**
   * Sends `track` on the transceiver a previous share left inactive, or on a new one: sharing
   * again reuses it, so a second share needs no new m-line.
   */
  async function sendOn(
    transceiver: RTCRtpTransceiver | null,
    track: MediaStreamTrack,
    stream: MediaStream,
  ): Promise<RTCRtpTransceiver> {
    if (!transceiver) return pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    await transceiver.sender.replaceTrack(track);
    transceiver.sender.setStreams(stream);
    transceiver.direction = 'sendonly';
    return transceiver;
  }
}
