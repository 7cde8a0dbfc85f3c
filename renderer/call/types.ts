/**
 * What the call engine shows to the UI. The engine (renderer/call/engine.ts) is framework-free;
 * React only subscribes to snapshots and calls the commands below.
 */
import type { RecordingSummary } from '../../shared/bridge/contract.ts';
import type { LobbyState } from './guest-lobby.ts';

export type CallPhase = 'idle' | 'outgoing' | 'incoming' | 'connecting' | 'active' | 'ended';

export type CallOutcomeKind =
  | 'declined'
  | 'busy'
  | 'missed'
  | 'unavailable'
  | 'not-allowed'
  | 'failed'
  | 'cancelled'
  | 'hung-up'
  | 'remote-hung-up'
  | 'answered-elsewhere';

export interface Peer {
  id: string;
  displayName: string;
  /** A client from a meeting link (no account). */
  guest?: boolean;
}

export interface Quality {
  rttMs: number | null;
  lossPct: number | null;
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  level: 'good' | 'fair' | 'poor';
  /** Plain words, e.g. "Good connection" or "Poor connection: video may freeze". */
  summary: string;
}

export type PeerConnection = 'new' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** Everyone in the call but me. State that belongs to one person lives here, with them. */
export interface RemoteParticipant {
  id: string;
  displayName: string;
  /** A client from a meeting link (no account): their tile says so. */
  guest: boolean;
  /** Ringing: invited, not answered yet; joined: in the call. */
  state: 'ringing' | 'joined';
  /** When they last joined, as the server says; a change means they came back anew. */
  joinedAt: number | null;
  connection: PeerConnection;
  camera: MediaStream | null;
  screen: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  /** Their voice is above the speaking threshold now (from audio levels). */
  speaking: boolean;
  /** They record this call (show the banner). */
  recording: boolean;
  quality: Quality | null;
}

export interface RecordingView {
  /** My recording of this call. */
  state: 'off' | 'waiting-consent' | 'starting' | 'on' | 'stopping';
  /** Who asks my consent to record (answer with answerRecordingConsent). */
  consentRequestedBy: Peer | null;
  /** While waiting for consent: who has not allowed it yet. */
  awaitingConsentFrom: string[];
  /** The finished recording (where it is), after Stop. */
  lastSummary: RecordingSummary | null;
  /** Plain-words problem (refused, disk full…), until dismissed. */
  error: string | null;
}

export interface CallSnapshot {
  phase: CallPhase;
  callId: string | null;
  direction: 'outgoing' | 'incoming' | null;
  /** Who I call, or who rings me (the inviter of a meeting). */
  peer: Peer | null;
  /** An invitation: who else is in the meeting already. */
  invitedWith: Peer[];
  outcome: { kind: CallOutcomeKind; message: string } | null;
  /** Plain words about the meeting going on: "Dana declined to join.", until dismissed. */
  notices: string[];
  /** When the call became active (ms since epoch), for the timer. */
  activeSince: number | null;
  /** The worst connection of the joined participants (what the advisor is told). */
  connection: PeerConnection;
  local: {
    camera: MediaStream | null;
    muted: boolean;
    cameraOff: boolean;
    sharing: boolean;
    shareLabel: string | null;
    /** The screen I share, shown to me too. */
    screen: MediaStream | null;
    /** Plain words when switching camera or microphone failed (the old ones stay on). */
    deviceError: string | null;
  };
  /** Everyone else, in the order they came. */
  participants: RemoteParticipant[];
  quality: Quality | null;
  recording: RecordingView;
}

export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
  speakerId: string | null;
}

export interface CallEngine {
  // Properties, not methods: React's useSyncExternalStore calls them unbound.
  snapshot: () => CallSnapshot;
  subscribe: (listener: () => void) => () => void;
  /** Rings a circle-mate. */
  call(peer: Peer): Promise<void>;
  /** In a call: rings another circle-mate into it (a meeting of up to four). */
  invite(peer: Peer): Promise<void>;
  cancel(): Promise<void>;
  answer(): Promise<void>;
  decline(): Promise<void>;
  hangUp(): Promise<void>;
  setMuted(muted: boolean): void;
  setCameraOff(off: boolean): void;
  /** After main was told which source (screen:choose): capture it and send it as a second track. */
  /** `withSound`: the computer's sound too (only where main says the OS can: Windows). */
  startScreenShare(label: string, withSound?: boolean): Promise<void>;
  stopScreenShare(): void;
  startRecording(): Promise<void>;
  stopRecording(): Promise<void>;
  answerRecordingConsent(accept: boolean): void;
  setDevices(choice: DeviceChoice): Promise<void>;
  /** Clears the outcome / last recording message shown after a call. */
  dismiss(): void;
  /** Clients waiting to be let in from a meeting link, and the last problem with one. */
  lobby: {
    snapshot: () => LobbyState;
    subscribe: (listener: () => void) => () => void;
  };
  /** Lets a waiting client in, then rings them (a call, or into this meeting). */
  admitGuest(guestId: string): Promise<void>;
  /** Turns a waiting client away; they are told. */
  denyGuest(guestId: string): Promise<void>;
  dismissGuestProblem(): void;
  dispose(): void;
}
