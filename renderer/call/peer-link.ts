/**
 * One RTCPeerConnection with perfect negotiation (the callee is polite): adding the screen
 * track or restarting ICE is just renegotiation, with glare resolved by the polite side rolling
 * back. The first offer/answer go through the seed's call-offer/call-answer; everything after
 * through call-renegotiate.
 */
export interface PeerLinkEvents {
  sendDescription(description: RTCSessionDescriptionInit): void;
  sendCandidate(candidate: RTCIceCandidateInit): void;
  onRemoteTrack(event: RTCTrackEvent): void;
  onConnection(state: 'connecting' | 'connected' | 'reconnecting' | 'failed'): void;
}

/** How long ICE may stay "disconnected" before we restart it. */
const RESTART_AFTER_MS = 2_000;

export interface PeerLink {
  pc: RTCPeerConnection;
  /** Caller: the first offer (sent as call-offer). */
  createOffer(): Promise<RTCSessionDescriptionInit>;
  /** Callee: apply the caller's offer and make the answer (sent as call-answer). */
  acceptOffer(
    offer: RTCSessionDescriptionInit,
    beforeAnswer: (pc: RTCPeerConnection) => void,
  ): Promise<RTCSessionDescriptionInit>;
  /** Caller: apply the callee's answer. */
  acceptAnswer(answer: RTCSessionDescriptionInit): Promise<void>;
  /** A renegotiation description from the peer. */
  onDescription(description: RTCSessionDescriptionInit): Promise<void>;
  onCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  close(): void;
}

export function createPeerLink(options: {
  iceServers: RTCIceServer[];
  polite: boolean;
  events: PeerLinkEvents;
  iceTransportPolicy?: RTCIceTransportPolicy;
}): PeerLink {
  const { events, polite } = options;
  const pc = new RTCPeerConnection({
    iceServers: options.iceServers,
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    bundlePolicy: 'max-bundle',
  });
  let established = false; // the first offer/answer is done: renegotiation may start
  let makingOffer = false;
  let ignoreOffer = false;
  let pendingCandidates: RTCIceCandidateInit[] = [];
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  pc.onicecandidate = ({ candidate }) => {
    if (candidate) events.sendCandidate(candidate.toJSON());
  };
  pc.ontrack = (event) => {
    events.onRemoteTrack(event);
  };
  let negotiationPending = false;
  const negotiate = async () => {
    if (closed) return;
    if (!established) {
      negotiationPending = true;
      return;
    }
    negotiationPending = false;
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      if (pc.localDescription) events.sendDescription(pc.localDescription.toJSON());
    } catch {
      // A glare rollback can interrupt us; the next negotiationneeded retries.
    } finally {
      makingOffer = false;
    }
  };
  pc.onnegotiationneeded = negotiate;
  pc.oniceconnectionstatechange = () => {
    const state = pc.iceConnectionState;
    clearTimeout(restartTimer);
    if (state === 'connected' || state === 'completed') {
      events.onConnection('connected');
    } else if (state === 'disconnected') {
      events.onConnection('reconnecting');
      restartTimer = setTimeout(() => {
        if (!closed && pc.iceConnectionState === 'disconnected') pc.restartIce();
      }, RESTART_AFTER_MS);
    } else if (state === 'failed') {
      events.onConnection('reconnecting');
      pc.restartIce();
    } else if (state === 'checking' || state === 'new') {
      events.onConnection('connecting');
    }
  };

  const flushCandidates = async () => {
    const queued = pendingCandidates;
    pendingCandidates = [];
    for (const candidate of queued) await pc.addIceCandidate(candidate).catch(() => undefined);
  };

  const localJson = (): RTCSessionDescriptionInit => {
    const description = pc.localDescription;
    if (!description) throw new Error('No local description was set.');
    return description.toJSON();
  };

  return {
    pc,
    async createOffer() {
      await pc.setLocalDescription(await pc.createOffer());
      return localJson();
    },
    async acceptOffer(offer, beforeAnswer) {
      await pc.setRemoteDescription(offer);
      beforeAnswer(pc);
      await flushCandidates();
      await pc.setLocalDescription(await pc.createAnswer());
      established = true;
      if (negotiationPending) void negotiate();
      return localJson();
    },
    async acceptAnswer(answer) {
      await pc.setRemoteDescription(answer);
      await flushCandidates();
      established = true;
      // Tracks added while we waited for the answer need their own round.
      if (negotiationPending) await negotiate();
    },
    async onDescription(description) {
      const offerCollision =
        description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
      ignoreOffer = !polite && offerCollision;
      if (ignoreOffer) return;
      await pc.setRemoteDescription(description);
      await flushCandidates();
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        if (pc.localDescription) events.sendDescription(pc.localDescription.toJSON());
      }
    },
    async onCandidate(candidate) {
      if (!pc.remoteDescription) {
        pendingCandidates.push(candidate);
        return;
      }
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        if (!ignoreOffer) throw error;
      }
    },
    close() {
      closed = true;
      clearTimeout(restartTimer);
      pc.onicecandidate = null;
      pc.ontrack = null;
      pc.onnegotiationneeded = null;
      pc.oniceconnectionstatechange = null;
      pc.close();
    },
  };
}
