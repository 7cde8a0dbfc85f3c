/**
 * What every part of the engine shares for one app session: the state store, the signaling
 * channel, my identity, the ICE configuration (refreshed before its TURN credentials expire),
 * the local devices and the peer sessions, and how a call ends.
 */
import type { CallBridge } from './call-bridge.ts';
import type { OutgoingSignal, RecordingPolicy } from '../../shared/bridge/contract.ts';
import type { Ack } from '../../shared/protocol/signaling.ts';
import { IDLE, joinedOthers, reduce, type CallAction } from './call-state.ts';
import { createLocalDevices, type LocalDevices } from './local-devices.ts';
import { createMeetingPeers, type MeetingPeers, type PeerSignal } from './meeting-peers.ts';
import type { IceConfig, LocalTracks } from './peer-session.ts';
import { captureFor } from './send-quality.ts';
import { createSignalingChannel, type SignalingChannel } from './signaling-channel.ts';
import type { CallOutcomeKind, CallSnapshot, DeviceChoice } from './types.ts';

export interface CallEngineOptions {
  bridge: CallBridge;
  recordingPolicy: () => RecordingPolicy;
  devices: () => DeviceChoice;
  startMuted: () => boolean;
  startWithCameraOff: () => boolean;
}

export const MEDIA_FAILED =
  'The call failed: the media connection could not be established (network or TURN server problem).';
/** Refresh TURN credentials this long before they expire (they last an hour by default). */
const ICE_REFRESH_MARGIN_S = 300;

type SharedScreen = Parameters<MeetingPeers['setScreen']>[0];

type CallEvent = Extract<
  OutgoingSignal['event'],
  | 'call-renegotiate'
  | 'ice-candidate'
  | 'media-state'
  | 'recording-state'
  | 'end-call'
  | 'call-resume'
>;

export interface EngineContext {
  bridge: CallBridge;
  options: CallEngineOptions;
  // Properties, not methods: they are passed around unbound.
  state: () => CallSnapshot;
  dispatch: (action: CallAction) => void;
  subscribe: (listener: () => void) => () => void;
  channel: SignalingChannel;
  peers: MeetingPeers;
  devices: LocalDevices;
  /** Hooks the other parts add to the end of a call (stop a recording, a share). */
  onEnd: (() => Promise<void> | void)[];
  me(): Promise<{ id: string; displayName: string }>;
  ice(): Promise<IceConfig>;
  isCurrent(callId: string | undefined | null): boolean;
  /** A message of the current call to one participant. */
  sendTo(peerId: string, event: CallEvent, body: Record<string, unknown>): Promise<Ack | null>;
  /** The same message to every joined participant. */
  sendToAll(event: CallEvent, body: Record<string, unknown>): void;
  /**
   * Makes (or finds) the session with a participant, with my current tracks.
   * `beforeDevices`: made before my camera and microphone are open, it sends nothing until they
   * are (MeetingPeers.setLocalTracks). `held`: for someone still ringing (PeerSession.release).
   */
  openPeer(
    peerId: string,
    how?: { beforeDevices?: boolean; held?: boolean },
  ): Promise<ReturnType<MeetingPeers['open']>>;
  /**
   * A candidate from a participant: to their session, or kept until it exists (a caller's
   * candidates arrive while we still ring; over a relay-only path they are the only way).
   */
  addCandidate(peerId: string, candidate: RTCIceCandidateInit): Promise<void>;
  /** What I share now goes to every session, and to every session made later. */
  shareScreen(screen: SharedScreen): Promise<void>;
  /** Drops one participant's session and tiles; the call ends when nobody is left. */
  dropPeer(peerId: string, notice?: string): void;
  end(kind: CallOutcomeKind, message: string): Promise<void>;
  /** Leaves no trace of a call that never started here (declined, answered elsewhere). */
  forget(): void;
}

/** A session's tracks before my devices are open: its transceivers send nothing yet. */
const NO_TRACKS_YET = (): LocalTracks => ({ stream: new MediaStream(), audio: null, video: null });

export function createEngineContext(options: CallEngineOptions): EngineContext {
  const { bridge } = options;
  let snapshot = IDLE;
  const listeners = new Set<() => void>();
  let myself: { id: string; displayName: string } | null = null;
  let iceCache: { config: IceConfig; until: number } | null = null;
  let iceTimer: ReturnType<typeof setTimeout> | undefined;
  const onEnd: EngineContext['onEnd'] = [];
  const earlyCandidates = new Map<string, RTCIceCandidateInit[]>();

  const dispatch = (action: CallAction): void => {
    const next = reduce(snapshot, action);
    if (next === snapshot) return;
    snapshot = next;
    for (const listener of listeners) listener();
  };
  const state = () => snapshot;
  const isCurrent = (callId: string | undefined | null) =>
    !!callId && callId === snapshot.callId && snapshot.phase !== 'ended';

  /**
   * Back online after an outage: this new socket speaks for my side of the call again
   * (call-resume to each participant), before anything queued goes out.
   */
  async function resumeCall(): Promise<void> {
    const { callId, phase } = snapshot;
    if (!callId || (phase !== 'connecting' && phase !== 'active')) return;
    await Promise.all(
      joinedOthers(snapshot).map((p) =>
        bridge.signal.send({ event: 'call-resume', payload: { to: p.id, callId } }),
      ),
    );
  }
  const channel = createSignalingChannel(bridge, { beforeFlush: resumeCall });

  function send(peerId: string, event: CallEvent, body: Record<string, unknown>) {
    const { callId } = snapshot;
    if (!callId) return Promise.resolve(null);
    return channel.send({ event, payload: { to: peerId, callId, ...body } } as OutgoingSignal);
  }

  const peers = createMeetingPeers({
    me: () => myself?.id ?? '',
    send: (peerId: string, signal: PeerSignal) => {
      void send(peerId, signal.event, signal.body);
    },
    dispatch,
    onFailed: (peerId, reason) => {
      void peerFailed(peerId, reason);
    },
    screen: () => sharedScreen,
    fitCapture: (quality) => devices.fit(captureFor(quality)),
  });
  let sharedScreen: SharedScreen = null;

  const devices = createLocalDevices({
    onTracks: (tracks: LocalTracks) => {
      dispatch({ type: 'local', patch: { camera: tracks.stream } });
      void peers.setLocalTracks(tracks);
    },
    onError: (message) => {
      dispatch({ type: 'local', patch: { deviceError: message } });
    },
    onDeviceLost: () => {
      void devices.switchTo(options.devices());
    },
  });

  async function fetchIce(): Promise<IceConfig> {
    const result = await bridge.directory.iceServers();
    if (!result.ok) throw new Error(result.error.message);
    const config = {
      servers: result.value.iceServers,
      policy: result.value.iceTransportPolicy ?? 'all',
    };
    const ttl = result.value.ttl;
    iceCache = { config, until: ttl ? Date.now() + (ttl - ICE_REFRESH_MARGIN_S) * 1000 : Infinity };
    clearTimeout(iceTimer);
    // A call longer than the credentials must still ICE-restart through the relay.
    if (ttl) {
      iceTimer = setTimeout(
        () => {
          if (peers.all().length === 0) return;
          fetchIce().then(
            (fresh) => {
              peers.setIceServers(fresh.servers);
            },
            () => undefined,
          );
        },
        Math.max(10, ttl - ICE_REFRESH_MARGIN_S) * 1000,
      );
    }
    return config;
  }

  async function peerFailed(peerId: string, reason: 'media-failed' | 'media-lost') {
    const person = snapshot.participants.find((p) => p.id === peerId);
    const name = person?.displayName ?? 'The other party';
    const lost = `The call was lost: the connection to ${name} could not be restored.`;
    if (joinedOthers(snapshot).length > 1) {
      context.dropPeer(
        peerId,
        `${name}: ${reason === 'media-lost' ? 'connection lost' : 'could not connect'}.`,
      );
      return;
    }
    void send(peerId, 'end-call', { reason });
    await context.end('failed', reason === 'media-failed' ? MEDIA_FAILED : lost);
  }

  const context: EngineContext = {
    bridge,
    options,
    state,
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    channel,
    peers,
    devices,
    onEnd,
    async me() {
      if (myself) return myself;
      const session = await bridge.session.get();
      const user = session.ok ? session.value.user : null;
      if (!user) throw new Error('You are signed out.');
      myself = { id: user.id, displayName: user.displayName };
      return myself;
    },
    async ice() {
      if (iceCache && iceCache.until > Date.now()) return iceCache.config;
      return fetchIce();
    },
    isCurrent,
    sendTo: send,
    sendToAll(event, body) {
      for (const p of joinedOthers(snapshot)) void send(p.id, event, body);
    },
    async openPeer(peerId, how = {}) {
      const ice = await context.ice();
      // Read after the await: the devices may have opened meanwhile.
      const tracks = devices.tracks() ?? (how.beforeDevices ? NO_TRACKS_YET() : null);
      if (!tracks) throw new Error('The camera and microphone are not open.');
      const session = peers.open(peerId, tracks, ice, how.held ?? false);
      const early = earlyCandidates.get(peerId) ?? [];
      earlyCandidates.delete(peerId);
      for (const candidate of early) await session.onCandidate(candidate).catch(() => undefined);
      return session;
    },
    async addCandidate(peerId, candidate) {
      const session = peers.get(peerId);
      if (session) {
        await session.onCandidate(candidate).catch(() => undefined);
        return;
      }
      const queued = earlyCandidates.get(peerId) ?? [];
      // Bounded: a peer that never opens a session cannot grow this without end.
      if (queued.length < 64) earlyCandidates.set(peerId, [...queued, candidate]);
    },
    async shareScreen(screen) {
      sharedScreen = screen;
      await peers.setScreen(screen);
    },
    dropPeer(peerId, notice) {
      peers.close(peerId);
      dispatch({ type: 'left', id: peerId, ...(notice ? { notice } : {}) });
      peers.fitTo(snapshot.participants.length + 1);
    },
    forget() {
      peers.closeAll();
      devices.close();
      earlyCandidates.clear();
      dispatch({ type: 'reset' });
    },
    async end(kind, message) {
      const callId = snapshot.callId;
      channel.drop(
        (s) => 'callId' in s.payload && s.payload.callId === callId && s.event !== 'end-call',
      );
      peers.closeAll();
      devices.close();
      earlyCandidates.clear();
      sharedScreen = null;
      clearTimeout(iceTimer);
      dispatch({ type: 'ended', kind, message });
      for (const hook of onEnd) await hook();
    },
  };
  return context;
}
