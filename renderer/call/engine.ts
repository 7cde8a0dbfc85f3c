/**
 * The call engine: one 1:1 call at a time, framework-free. It speaks the signaling protocol
 * through the bridge (main owns the socket), owns every MediaStream and the RTCPeerConnection,
 * and publishes immutable snapshots that React renders.
 */
import type { AdvisorApi } from '../../shared/bridge/api.ts';
import type { IncomingSignal, RecordingPolicy } from '../../shared/bridge/contract.ts';
import type { Ack, MediaState } from '../../shared/protocol/signaling.ts';
import { startRecording, type ActiveRecording } from './call-recorder.ts';
import { describeMediaError, openCameraAndMic, preferResolution } from './local-media.ts';
import { createPeerLink, type PeerLink } from './peer-link.ts';
import { createQualityMeter } from './quality.ts';
import type { CallEngine, CallOutcomeKind, CallSnapshot, DeviceChoice, Peer } from './types.ts';

export interface CallEngineOptions {
  bridge: AdvisorApi;
  recordingPolicy: () => RecordingPolicy;
  devices: () => DeviceChoice;
  startMuted: () => boolean;
  startWithCameraOff: () => boolean;
}

/** From answer to connected media; loopback takes under a second, relays a few. */
const CONNECT_TIMEOUT_MS = 20_000;
/**
 * How long an answered call may stay "reconnecting" before it is given up as lost (the other
 * side's app crashed, or the network is gone for good). ICE restarts get this long to work.
 */
const LOST_AFTER_MS = 30_000;
/** The server waits up to 30 s for the second party's resume; our state is resent that long. */
const RESUME_RETRY_MS = 1_000;
const RESUME_ATTEMPTS = 30;
const MEDIA_FAILED =
  'The call failed: the media connection could not be established (network or TURN server problem).';

const IDLE: CallSnapshot = {
  phase: 'idle',
  callId: null,
  direction: null,
  peer: null,
  outcome: null,
  activeSince: null,
  connection: 'new',
  local: {
    camera: null,
    muted: false,
    cameraOff: false,
    sharing: false,
    shareLabel: null,
    deviceError: null,
  },
  remote: { camera: null, screen: null, muted: false, cameraOff: false, sharing: false },
  quality: null,
  recording: {
    state: 'off',
    remoteRecording: false,
    consentRequested: false,
    lastSummary: null,
    error: null,
  },
};

type SignalPayload<E extends IncomingSignal['event']> = Extract<
  IncomingSignal,
  { event: E }
>['payload'];

/**
 * Sends `track` on the transceiver a previous share left inactive, or on a new one: sharing
 * again reuses it, so a second share needs no new m-line.
 */
async function sendOn(
  pc: RTCPeerConnection,
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

export function createCallEngine(options: CallEngineOptions): CallEngine {
  const { bridge } = options;
  let snapshot: CallSnapshot = IDLE;
  const listeners = new Set<() => void>();

  // Per-call resources; reset by teardown().
  let link: PeerLink | null = null;
  let localStream: MediaStream | null = null;
  let cameraTransceiver: RTCRtpTransceiver | null = null;
  let audioTransceiver: RTCRtpTransceiver | null = null;
  let screenTransceiver: RTCRtpTransceiver | null = null;
  /** The computer's sound while sharing a screen (Windows only: the OS has a loopback device). */
  let screenAudioTransceiver: RTCRtpTransceiver | null = null;
  let screenAudioTrack: MediaStreamTrack | null = null;
  let screenTrack: MediaStreamTrack | null = null;
  let pendingOffer: RTCSessionDescriptionInit | null = null;
  let earlyCandidates: RTCIceCandidateInit[] = [];
  let recording: ActiveRecording | null = null;
  let qualityTimer: ReturnType<typeof setInterval> | undefined;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let lostTimer: ReturnType<typeof setTimeout> | undefined;

  const set = (patch: Partial<CallSnapshot>): void => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of listeners) listener();
  };
  const setLocal = (patch: Partial<CallSnapshot['local']>) => {
    set({ local: { ...snapshot.local, ...patch } });
  };
  const setRemote = (patch: Partial<CallSnapshot['remote']>) => {
    set({ remote: { ...snapshot.remote, ...patch } });
  };
  const setRecording = (patch: Partial<CallSnapshot['recording']>) => {
    set({ recording: { ...snapshot.recording, ...patch } });
  };
  const name = () => snapshot.peer?.displayName ?? 'The other party';
  // Read through a function after awaits: TypeScript would otherwise keep a stale narrowing.
  const phase = () => snapshot.phase;
  const currentLink = () => link;
  const inCall = () => snapshot.phase === 'connecting' || snapshot.phase === 'active';
  const isCurrent = (callId: string | undefined) =>
    callId !== undefined && callId === snapshot.callId;

  async function send(signal: Parameters<AdvisorApi['signal']['send']>[0]): Promise<Ack | null> {
    const result = await bridge.signal.send(signal);
    return result.ok ? result.value : null;
  }

  function sendToPeer(
    event: 'call-renegotiate' | 'ice-candidate' | 'media-state' | 'recording-state',
    body: Record<string, unknown>,
  ): void {
    const { peer, callId } = snapshot;
    if (!peer || !callId) return;
    void send({ event, payload: { to: peer.id, callId, ...body } } as Parameters<
      AdvisorApi['signal']['send']
    >[0]);
  }

  const mediaState = (): MediaState => ({
    audio: !snapshot.local.muted,
    video: !snapshot.local.cameraOff,
    screen: snapshot.local.sharing,
  });

  interface IceConfig {
    servers: RTCIceServer[];
    policy: RTCIceTransportPolicy;
  }
  async function iceServers(): Promise<IceConfig> {
    const result = await bridge.directory.iceServers();
    if (!result.ok) throw new Error(result.error.message);
    return { servers: result.value.iceServers, policy: result.value.iceTransportPolicy ?? 'all' };
  }

  /**
   * The voice and camera go in one stream, the shared screen (and its computer sound, when the
   * sharer sends it) in another. The first audio is the voice: until we know our own voice
   * transceiver (the callee, mid-answer), every audio is.
   */
  function onRemoteTrack(event: RTCTrackEvent): void {
    const track = event.track;
    const voice =
      track.kind === 'audio' &&
      (audioTransceiver === null || event.transceiver === audioTransceiver);
    const into = voice || event.transceiver === cameraTransceiver ? 'camera' : 'screen';
    // A repeated track event (another negotiation round) must not reset the video element.
    if (snapshot.remote[into]?.getTracks().includes(track)) return;
    const others = snapshot.remote[into]?.getTracks().filter((t) => t.kind !== track.kind) ?? [];
    setRemote({ [into]: new MediaStream([...others, track]) });
  }

  function makeLink(ice: IceConfig, polite: boolean): PeerLink {
    return createPeerLink({
      iceServers: ice.servers,
      iceTransportPolicy: ice.policy,
      polite,
      events: {
        sendDescription: (description) => {
          sendToPeer('call-renegotiate', { description });
        },
        sendCandidate: (candidate) => {
          sendToPeer('ice-candidate', { candidate });
        },
        onRemoteTrack,
        onConnection: (connection) => {
          if (connection === 'connected' && snapshot.phase === 'connecting') {
            clearTimeout(connectTimer);
            set({ phase: 'active', activeSince: Date.now(), connection });
            startQuality();
            return;
          }
          if (!inCall()) return;
          set({ connection });
          if (connection === 'connected') {
            clearTimeout(lostTimer);
            lostTimer = undefined;
          } else if (connection === 'reconnecting' && snapshot.phase === 'active') armLostTimer();
        },
      },
    });
  }

  function armLostTimer(): void {
    if (lostTimer !== undefined) return; // already counting since the first drop
    const callId = snapshot.callId;
    lostTimer = setTimeout(() => {
      lostTimer = undefined;
      if (!isCurrent(callId ?? undefined) || snapshot.connection === 'connected') return;
      const { peer } = snapshot;
      if (peer && callId) {
        void send({ event: 'end-call', payload: { to: peer.id, callId, reason: 'media-lost' } });
      }
      void end('failed', `The call was lost: the connection to ${name()} could not be restored.`);
    }, LOST_AFTER_MS);
  }

  /**
   * A call whose media never connects (blocked network, wrong TURN credentials) ends with a
   * clear error instead of "connecting" forever. Once connected, ICE restarts take over.
   */
  function armConnectTimeout(): void {
    clearTimeout(connectTimer);
    const callId = snapshot.callId;
    connectTimer = setTimeout(() => {
      if (
        !isCurrent(callId ?? undefined) ||
        snapshot.activeSince !== null ||
        snapshot.phase === 'ended'
      )
        return;
      if (snapshot.phase === 'outgoing' || snapshot.phase === 'incoming') return;
      const { peer } = snapshot;
      if (peer && callId) {
        void send({ event: 'end-call', payload: { to: peer.id, callId, reason: 'media-failed' } });
      }
      void end('failed', MEDIA_FAILED);
    }, CONNECT_TIMEOUT_MS);
  }

  function startQuality(): void {
    if (!link) return;
    const measure = createQualityMeter(link.pc);
    clearInterval(qualityTimer);
    qualityTimer = setInterval(() => {
      measure().then(
        (quality) => {
          if (inCall()) set({ quality });
        },
        () => undefined,
      );
    }, 1000);
  }

  async function openLocalMedia(): Promise<MediaStream> {
    const stream = await openCameraAndMic(options.devices());
    const muted = options.startMuted();
    const cameraOff = options.startWithCameraOff();
    for (const track of stream.getAudioTracks()) track.enabled = !muted;
    for (const track of stream.getVideoTracks()) track.enabled = !cameraOff;
    localStream = stream;
    watchDeviceLoss(stream);
    setLocal({ camera: stream, muted, cameraOff });
    return stream;
  }

  /**
   * Opens the chosen camera and microphone and swaps them into the call with replaceTrack (no
   * renegotiation). On failure the devices in use stay on and the advisor is told why.
   */
  let switching: Promise<void> = Promise.resolve();
  let latestSwitch = 0;
  /** One switch at a time, and only the newest choice: two overlapping ones would fight over tracks. */
  function switchDevices(choice: DeviceChoice): Promise<void> {
    const ticket = ++latestSwitch;
    switching = switching
      .then(() => (ticket === latestSwitch ? swapDevices(choice) : undefined))
      .catch((error: unknown) => {
        setLocal({ deviceError: describeMediaError(error) });
      });
    return switching;
  }

  async function swapDevices(choice: DeviceChoice): Promise<void> {
    if (!localStream || !inCall()) return;
    let fresh: MediaStream;
    try {
      fresh = await openCameraAndMic(choice);
    } catch (error) {
      setLocal({ deviceError: describeMediaError(error) });
      return;
    }
    if (!inCall()) {
      for (const track of fresh.getTracks()) track.stop();
      return;
    }
    const [audio] = fresh.getAudioTracks();
    const [video] = fresh.getVideoTracks();
    if (audio) audio.enabled = !snapshot.local.muted;
    if (video) video.enabled = !snapshot.local.cameraOff;
    await audioTransceiver?.sender.replaceTrack(audio ?? null);
    await cameraTransceiver?.sender.replaceTrack(video ?? null);
    const old = localStream;
    localStream = fresh;
    watchDeviceLoss(fresh);
    for (const track of old.getTracks()) track.stop();
    setLocal({ camera: fresh, deviceError: null });
  }

  /** A camera or microphone unplugged mid-call ends its track: carry on with what is there. */
  function watchDeviceLoss(stream: MediaStream): void {
    for (const track of stream.getTracks()) {
      track.addEventListener(
        'ended',
        () => {
          if (localStream === stream && inCall()) void switchDevices(options.devices());
        },
        { once: true },
      );
    }
  }

  /** A device plugged in mid-call that the advisor chose in Settings is taken into use. */
  async function onDeviceChange(): Promise<void> {
    if (!localStream || !inCall()) return;
    const choice = options.devices();
    const present = new Set(
      (await navigator.mediaDevices.enumerateDevices()).map((device) => device.deviceId),
    );
    const inUse = (kind: 'audio' | 'video') =>
      localStream
        ?.getTracks()
        .find((track) => track.kind === kind)
        ?.getSettings().deviceId;
    const wanted = (id: string | null, kind: 'audio' | 'video') =>
      id !== null && present.has(id) && inUse(kind) !== id;
    if (wanted(choice.cameraId, 'video') || wanted(choice.microphoneId, 'audio')) {
      await switchDevices(choice);
    }
  }
  const onDeviceChangeEvent = () => {
    void onDeviceChange();
  };
  navigator.mediaDevices.addEventListener('devicechange', onDeviceChangeEvent);

  function teardown(): void {
    clearInterval(qualityTimer);
    clearTimeout(connectTimer);
    clearTimeout(lostTimer);
    lostTimer = undefined;
    link?.close();
    link = null;
    for (const track of localStream?.getTracks() ?? []) track.stop();
    screenTrack?.stop();
    screenAudioTrack?.stop();
    localStream = null;
    screenTrack = null;
    screenAudioTrack = null;
    cameraTransceiver = audioTransceiver = screenTransceiver = screenAudioTransceiver = null;
    pendingOffer = null;
    earlyCandidates = [];
  }

  /** Ends the call locally with an outcome; the recording (if any) is finished and kept. */
  async function end(kind: CallOutcomeKind, message: string): Promise<void> {
    const active = recording;
    recording = null;
    teardown();
    set({
      ...IDLE,
      phase: 'ended',
      peer: snapshot.peer,
      callId: snapshot.callId,
      outcome: { kind, message },
      recording: {
        ...IDLE.recording,
        lastSummary: snapshot.recording.lastSummary,
        error: snapshot.recording.error,
      },
    });
    if (active) {
      try {
        setRecording({ lastSummary: await active.stop() });
      } catch (error) {
        setRecording({ error: `The recording could not be finished: ${(error as Error).message}` });
      }
    }
  }

  async function fail(callId: string, error: unknown): Promise<void> {
    if (!isCurrent(callId)) return;
    const message =
      error instanceof DOMException ? describeMediaError(error) : (error as Error).message;
    await end('failed', `The call failed: ${message}`);
  }

  const ackFailure = (ack: Ack | null): { kind: CallOutcomeKind; message: string } | null => {
    if (!ack)
      return { kind: 'failed', message: 'The call failed: the server could not be reached.' };
    if (ack.ok) return null;
    const { code, message } = ack.error;
    if (code === 'not-allowed') return { kind: 'not-allowed', message: `Not allowed: ${message}` };
    if (code === 'unavailable') return { kind: 'unavailable', message };
    return { kind: 'failed', message: `The call failed: ${message}` };
  };

  // ---- signaling events ------------------------------------------------------------------------
  const handlers: {
    [E in IncomingSignal['event']]?: (payload: SignalPayload<E>) => Promise<void> | void;
  } = {
    'call-offer': (p) => {
      if (snapshot.phase !== 'idle' && snapshot.phase !== 'ended') return;
      teardown();
      pendingOffer = p.offer;
      set({
        ...IDLE,
        phase: 'incoming',
        direction: 'incoming',
        callId: p.callId,
        peer: { id: p.from, displayName: p.fromName },
        recording: { ...IDLE.recording, lastSummary: snapshot.recording.lastSummary },
      });
    },
    'call-answer': async (p) => {
      if (!isCurrent(p.callId) || snapshot.phase !== 'outgoing' || !link) return;
      set({ phase: 'connecting', connection: 'connecting' });
      armConnectTimeout();
      await link.acceptAnswer(p.answer).catch((error: unknown) => fail(p.callId, error));
    },
    'ice-candidate': async (p) => {
      if (!isCurrent(p.callId)) return;
      if (!link) {
        earlyCandidates.push(p.candidate);
        return;
      }
      await link.onCandidate(p.candidate).catch(() => undefined);
    },
    'call-renegotiate': async (p) => {
      if (!isCurrent(p.callId) || !link) return;
      await link.onDescription(p.description).catch(() => undefined);
    },
    'call-decline': (p) =>
      isCurrent(p.callId) ? end('declined', `${name()} declined the call.`) : undefined,
    'call-busy': (p) =>
      isCurrent(p.callId) ? end('busy', `${name()} is in another call.`) : undefined,
    'call-missed': (p) => {
      if (!isCurrent(p.callId)) return;
      return snapshot.direction === 'outgoing'
        ? end('missed', `${name()} did not answer.`)
        : end('missed', `You missed a call from ${name()}.`);
    },
    'call-cancel': (p) =>
      isCurrent(p.callId) ? end('cancelled', `${name()} cancelled the call.`) : undefined,
    'call-answered-elsewhere': (p) => {
      if (!isCurrent(p.callId)) return;
      teardown();
      set({
        ...IDLE,
        recording: { ...IDLE.recording, lastSummary: snapshot.recording.lastSummary },
      });
    },
    'end-call': (p) => {
      if (!isCurrent(p.callId)) return;
      // The other side gave up on the media: say what happened, not "they hung up".
      if (p.reason === 'media-failed') return end('failed', MEDIA_FAILED);
      if (p.reason === 'media-lost') {
        return end(
          'failed',
          `The call was lost: the connection to ${name()} could not be restored.`,
        );
      }
      return end('remote-hung-up', `${name()} ended the call.`);
    },
    'media-state': (p) => {
      if (!isCurrent(p.callId)) return;
      setRemote({ muted: !p.state.audio, cameraOff: !p.state.video, sharing: p.state.screen });
      if (!p.state.screen) setRemote({ screen: null });
    },
    'recording-state': async (p) => {
      if (!isCurrent(p.callId)) return;
      switch (p.state) {
        case 'started':
          setRecording({ remoteRecording: true, consentRequested: false });
          break;
        case 'stopped':
          setRecording({ remoteRecording: false, consentRequested: false });
          break;
        case 'consent-requested':
          setRecording({ consentRequested: true });
          break;
        case 'consent-granted':
          if (snapshot.recording.state === 'waiting-consent') await beginRecording();
          break;
        case 'consent-denied':
          if (snapshot.recording.state === 'waiting-consent') {
            setRecording({ state: 'off', error: `${name()} did not allow recording.` });
          }
          break;
      }
    },
  };

  const unsubscribeSignal = bridge.on('signal:event', (signal) => {
    const handler = handlers[signal.event] as
      ((payload: unknown) => Promise<void> | void) | undefined;
    void Promise.resolve(handler?.(signal.payload)).catch(() => undefined);
  });
  // After a signaling outage (even a server restart) tell the server this call goes on.
  const unsubscribeConnection = bridge.on('signal:connection', (state) => {
    if (state.status === 'online' && inCall() && snapshot.peer && snapshot.callId) {
      void resumeCall(snapshot.peer.id, snapshot.callId);
    }
  });

  /**
   * A server that forgot the call (it restarted) holds it pending until both parties resume, and
   * refuses mid-call messages until then: send our mute/camera state again until it is taken.
   */
  async function resumeCall(peerId: string, callId: string): Promise<void> {
    await send({ event: 'call-resume', payload: { to: peerId, callId } });
    for (let attempt = 0; attempt < RESUME_ATTEMPTS; attempt++) {
      if (!isCurrent(callId) || !inCall() || !link) return;
      const ack = await send({
        event: 'media-state',
        payload: { to: peerId, callId, state: mediaState() },
      });
      if (ack?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, RESUME_RETRY_MS));
    }
  }

  // ---- recording -------------------------------------------------------------------------------
  async function beginRecording(): Promise<void> {
    const { peer, callId } = snapshot;
    if (!peer || !callId || !localStream) return;
    setRecording({ state: 'starting', error: null });
    try {
      const me = { id: 'me', displayName: 'Me' };
      const session = await bridge.session.get();
      const self =
        session.ok && session.value.user
          ? { id: session.value.user.id, displayName: session.value.user.displayName }
          : me;
      const local = localStream;
      recording = await startRecording(
        bridge,
        { callId, participants: [self, peer] },
        {
          main: () => snapshot.remote.screen ?? snapshot.remote.camera,
          // The camera in use now: it may have been switched since the recording began.
          inset: () => localStream ?? local,
          audio: () => [local, ...(snapshot.remote.camera ? [snapshot.remote.camera] : [])],
        },
      );
      const active = recording;
      void active.failed.then((message) => {
        if (recording !== active) return;
        recording = null;
        setRecording({ state: 'off', error: message });
        sendToPeer('recording-state', { state: 'stopped' });
      });
      setRecording({ state: 'on' });
      sendToPeer('recording-state', { state: 'started' });
    } catch (error) {
      setRecording({ state: 'off', error: (error as Error).message });
    }
  }

  // ---- commands --------------------------------------------------------------------------------
  return {
    snapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async call(peer: Peer) {
      if (snapshot.phase !== 'idle' && snapshot.phase !== 'ended') return;
      const callId = crypto.randomUUID();
      set({
        ...IDLE,
        phase: 'outgoing',
        direction: 'outgoing',
        callId,
        peer,
        recording: { ...IDLE.recording, lastSummary: snapshot.recording.lastSummary },
      });
      try {
        const servers = await iceServers();
        const stream = await openLocalMedia();
        if (!isCurrent(callId)) {
          for (const track of stream.getTracks()) track.stop();
          return;
        }
        link = makeLink(servers, false);
        const [audio] = stream.getAudioTracks();
        const [video] = stream.getVideoTracks();
        audioTransceiver = link.pc.addTransceiver(audio ?? 'audio', {
          direction: 'sendrecv',
          streams: [stream],
        });
        cameraTransceiver = link.pc.addTransceiver(video ?? 'video', {
          direction: 'sendrecv',
          streams: [stream],
        });
        await preferResolution(cameraTransceiver.sender);
        const offer = await link.createOffer();
        if (!isCurrent(callId)) return;
        const ack = await send({
          event: 'call-offer',
          payload: { to: peer.id, callId, offer: offer as { type: 'offer'; sdp: string } },
        });
        const problem = ackFailure(ack);
        if (problem && isCurrent(callId) && phase() === 'outgoing')
          await end(problem.kind, problem.message);
      } catch (error) {
        await fail(callId, error);
      }
    },

    async cancel() {
      const { peer, callId } = snapshot;
      if (snapshot.phase !== 'outgoing' || !peer || !callId) return;
      teardown();
      set({
        ...IDLE,
        recording: { ...IDLE.recording, lastSummary: snapshot.recording.lastSummary },
      });
      await send({ event: 'call-cancel', payload: { to: peer.id, callId } });
    },

    async answer() {
      const { peer, callId } = snapshot;
      const offer = pendingOffer;
      if (snapshot.phase !== 'incoming' || !peer || !callId || !offer) return;
      set({ phase: 'connecting', connection: 'connecting' });
      armConnectTimeout();
      try {
        const servers = await iceServers();
        const stream = await openLocalMedia();
        if (!isCurrent(callId)) return;
        link = makeLink(servers, true);
        const answer = await link.acceptOffer(offer, (pc) => {
          // Our tracks go on the transceivers the caller's offer created: camera on its video one.
          for (const transceiver of pc.getTransceivers()) {
            const kind = transceiver.receiver.track.kind;
            const track =
              kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
            if (kind === 'audio' && !audioTransceiver) audioTransceiver = transceiver;
            else if (kind === 'video' && !cameraTransceiver) cameraTransceiver = transceiver;
            else continue;
            transceiver.direction = 'sendrecv';
            transceiver.sender.setStreams(stream);
            void transceiver.sender.replaceTrack(track ?? null);
          }
          // Remote tracks may have arrived before we knew which transceiver is the camera.
          for (const transceiver of pc.getTransceivers()) {
            const track = transceiver.receiver.track;
            if (transceiver === audioTransceiver || transceiver === cameraTransceiver) {
              onRemoteTrack({ track, transceiver } as RTCTrackEvent);
            }
          }
        });
        if (cameraTransceiver) await preferResolution(cameraTransceiver.sender);
        for (const candidate of earlyCandidates)
          await link.onCandidate(candidate).catch(() => undefined);
        earlyCandidates = [];
        const ack = await send({
          event: 'call-answer',
          payload: { to: peer.id, callId, answer: answer as { type: 'answer'; sdp: string } },
        });
        if (!isCurrent(callId)) return;
        if (!ack) {
          await end('failed', 'The call failed: the server could not be reached.');
          return;
        }
        if (!ack.ok) {
          if (ack.error.code === 'not-in-call') {
            // Answered on another device a moment earlier.
            teardown();
            set({ ...IDLE });
            return;
          }
          await end('failed', `The call failed: ${ack.error.message}`);
          return;
        }
        sendToPeer('media-state', { state: mediaState() });
      } catch (error) {
        await fail(callId, error);
      }
    },

    async decline() {
      const { peer, callId } = snapshot;
      if (snapshot.phase !== 'incoming' || !peer || !callId) return;
      teardown();
      set({
        ...IDLE,
        recording: { ...IDLE.recording, lastSummary: snapshot.recording.lastSummary },
      });
      await send({ event: 'call-decline', payload: { to: peer.id, callId } });
    },

    async hangUp() {
      const { peer, callId } = snapshot;
      if (!inCall() || !peer || !callId) return;
      const sent = send({ event: 'end-call', payload: { to: peer.id, callId } });
      await end('hung-up', 'Call ended.');
      await sent;
    },

    setMuted(muted) {
      for (const track of localStream?.getAudioTracks() ?? []) track.enabled = !muted;
      setLocal({ muted });
      sendToPeer('media-state', { state: mediaState() });
    },

    setCameraOff(off) {
      for (const track of localStream?.getVideoTracks() ?? []) track.enabled = !off;
      setLocal({ cameraOff: off });
      sendToPeer('media-state', { state: mediaState() });
    },

    async startScreenShare(label, withSound = false) {
      if (!link || !inCall() || snapshot.local.sharing) return;
      const stream = await navigator.mediaDevices.getDisplayMedia({
        video: { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 15 } },
        audio: withSound,
      });
      const [track] = stream.getVideoTracks();
      const [sound] = withSound ? stream.getAudioTracks() : [];
      const current = currentLink();
      if (!track || !current) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      track.contentHint = 'detail';
      screenTrack = track;
      // The OS or browser "Stop sharing" ends the track: follow it.
      track.addEventListener('ended', () => {
        if (screenTrack === track) this.stopScreenShare();
      });
      screenTransceiver = await sendOn(link.pc, screenTransceiver, track, stream);
      await preferResolution(screenTransceiver.sender);
      if (sound) {
        screenAudioTrack = sound;
        screenAudioTransceiver = await sendOn(link.pc, screenAudioTransceiver, sound, stream);
      }
      setLocal({ sharing: true, shareLabel: label });
      sendToPeer('media-state', { state: mediaState() });
    },

    stopScreenShare() {
      const track = screenTrack;
      screenTrack = null;
      track?.stop();
      screenAudioTrack?.stop();
      screenAudioTrack = null;
      for (const transceiver of [screenTransceiver, screenAudioTransceiver]) {
        if (!transceiver) continue;
        void transceiver.sender.replaceTrack(null);
        transceiver.direction = 'inactive';
      }
      setLocal({ sharing: false, shareLabel: null });
      sendToPeer('media-state', { state: mediaState() });
    },

    async startRecording() {
      if (!inCall() || snapshot.recording.state !== 'off') return;
      const policy = options.recordingPolicy();
      if (policy === 'disabled') {
        setRecording({ error: 'Recording is turned off by your IT team.' });
        return;
      }
      if (policy === 'consent-required') {
        setRecording({ state: 'waiting-consent', error: null });
        sendToPeer('recording-state', { state: 'consent-requested' });
        return;
      }
      await beginRecording();
    },

    async stopRecording() {
      const active = recording;
      if (!active) {
        if (snapshot.recording.state === 'waiting-consent') setRecording({ state: 'off' });
        return;
      }
      recording = null;
      setRecording({ state: 'stopping' });
      sendToPeer('recording-state', { state: 'stopped' });
      try {
        setRecording({ state: 'off', lastSummary: await active.stop() });
      } catch (error) {
        setRecording({ state: 'off', error: (error as Error).message });
      }
    },

    answerRecordingConsent(accept) {
      setRecording({ consentRequested: false });
      sendToPeer('recording-state', { state: accept ? 'consent-granted' : 'consent-denied' });
    },

    setDevices: switchDevices,

    dismiss() {
      if (snapshot.phase === 'ended') {
        set({ ...IDLE });
        return;
      }
      setRecording({ lastSummary: null, error: null });
      setLocal({ deviceError: null });
    },

    dispose() {
      navigator.mediaDevices.removeEventListener('devicechange', onDeviceChangeEvent);
      unsubscribeSignal();
      unsubscribeConnection();
      const { peer, callId } = snapshot;
      if (inCall() && peer && callId)
        void send({ event: 'end-call', payload: { to: peer.id, callId } });
      void recording?.stop().catch(() => undefined);
      recording = null;
      teardown();
      listeners.clear();
    },
  };
}
