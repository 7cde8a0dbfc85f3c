/**
 * Perfect negotiation for one RTCPeerConnection (the W3C pattern): either side may offer when
 * its media changes (a screen track, an ICE restart); on glare the polite side rolls back. Who is
 * polite follows from the two user ids, so both sides agree without asking. The very first
 * offer/answer of a 1:1 call travel as the seed's call-offer/call-answer; every other description
 * goes through `sendDescription` (call-renegotiate, keyed by call id and peer).
 *
 * No negotiation without a change: negotiationneeded before the first exchange completes is
 * covered by that exchange (the browser fires it again once stable if anything is still missing),
 * and afterwards an offer is made only when a transceiver really differs from what was agreed.
 *
 * The first offer and every answer leave the moment they are made, while WebRTC applies them
 * (setLocalDescription: 30-90 ms on a busy 4-person machine): the other side's work overlaps
 * ours, and WebRTC's own operations chain keeps whatever comes back (the answer, candidates)
 * behind it.
 */
export interface Negotiation {
  /** The first offer of this pair (tracks are on their transceivers already), once made. */
  createOffer(): Promise<RTCSessionDescriptionInit>;
  /**
   * Applies a remote description; for an offer, returns the answer once made (also sent unless
   * `reply` is false).
   */
  applyRemote(
    description: RTCSessionDescriptionInit,
    reply: boolean,
  ): Promise<RTCSessionDescriptionInit | null>;
  addCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  /** Signaling came back while our offer waited for its answer: send it again. */
  resendPendingOffer(): void;
  established(): boolean;
  close(): void;
}

export function createNegotiation(
  pc: RTCPeerConnection,
  options: {
    polite: boolean;
    sendDescription: (description: RTCSessionDescriptionInit) => void;
    /** After setRemoteDescription(offer), before the answer: put our tracks on its transceivers. */
    beforeAnswer: () => void;
  },
): Negotiation {
  let established = false;
  let makingOffer = false;
  let ignoreOffer = false;
  let missed = false;
  let closed = false;
  let queuedCandidates: RTCIceCandidateInit[] = [];

  /** Something the last exchange did not cover: a new transceiver or a direction change. */
  const changed = (): boolean =>
    pc
      .getTransceivers()
      .some(
        (t) =>
          t.currentDirection !== 'stopped' &&
          (t.mid === null || (t.currentDirection !== null && t.currentDirection !== t.direction)),
      );

  async function offer(): Promise<void> {
    if (closed) return;
    if (!established || pc.signalingState !== 'stable') {
      missed = true;
      return;
    }
    missed = false;
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      if (pc.localDescription) options.sendDescription(pc.localDescription.toJSON());
    } catch {
      // A glare rollback interrupted us; negotiationneeded fires again when it matters.
    } finally {
      makingOffer = false;
    }
  }
  pc.onnegotiationneeded = () => {
    void offer();
  };

  function settle(): void {
    if (pc.signalingState !== 'stable') return;
    established = true;
    if (missed && changed()) void offer();
    else missed = false;
  }

  async function flush(): Promise<void> {
    const queued = queuedCandidates;
    queuedCandidates = [];
    await Promise.all(queued.map((c) => pc.addIceCandidate(c).catch(() => undefined)));
  }

  /**
   * Applies a description we made; the caller sends it meanwhile. If WebRTC refuses it (only a
   * closed connection does), the other side's reply is refused in turn and the connect timeout
   * reports it: this settles either way.
   */
  const applyLocal = (made: RTCSessionDescriptionInit): Promise<void> =>
    pc.setLocalDescription(made).catch(() => undefined);

  return {
    async createOffer() {
      makingOffer = true;
      const offer = await pc.createOffer().catch((error: unknown) => {
        makingOffer = false;
        throw error;
      });
      void applyLocal(offer).then(() => {
        makingOffer = false;
      });
      return { type: offer.type, sdp: offer.sdp ?? '' };
    },

    async applyRemote(description, reply) {
      const collision =
        description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
      ignoreOffer = !options.polite && collision;
      if (ignoreOffer) return null;
      await pc.setRemoteDescription(description);
      if (description.type !== 'offer') {
        void flush();
        settle();
        return null;
      }
      options.beforeAnswer();
      const made = await pc.createAnswer();
      const answer = { type: made.type, sdp: made.sdp ?? '' };
      void applyLocal(made).then(settle);
      if (reply) options.sendDescription(answer);
      // Candidates that came before the description, after the answer: each one is a trip to
      // WebRTC's thread, and the answer must not wait for them (120 ms at N=4 under load).
      void flush();
      return answer;
    },

    async addCandidate(candidate) {
      if (!pc.remoteDescription) {
        queuedCandidates.push(candidate);
        return;
      }
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        if (!ignoreOffer) throw error;
      }
    },

    resendPendingOffer() {
      if (established && pc.signalingState === 'have-local-offer' && pc.localDescription) {
        options.sendDescription(pc.localDescription.toJSON());
      }
    },

    established: () => established,

    close() {
      closed = true;
      pc.onnegotiationneeded = null;
    },
  };
}
