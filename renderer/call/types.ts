/**
 * What the call engine shows to the UI. The engine (renderer/call/engine.ts) is framework-free;
 * React only subscribes to snapshots and calls the commands below.
 */
import type { RecordingSummary } from '../../shared/bridge/contract.ts';

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

export interface RecordingView {
  /** My recording of this call. */
  state: 'off' | 'waiting-consent' | 'starting' | 'on' | 'stopping';
  /** The other party records this call (show the banner). */
  remoteRecording: boolean;
  /** The other party asks my consent to record. */
  consentRequested: boolean;
  /** The finished recording (where it is), after Stop. */
  lastSummary: RecordingSummary | null;
  /** Plain-words problem (refused, disk full…), until dismissed. */
  error: string | null;
}

export interface CallSnapshot {
  phase: CallPhase;
  callId: string | null;
  direction: 'outgoing' | 'incoming' | null;
  peer: Peer | null;
  outcome: { kind: CallOutcomeKind; message: string } | null;
  /** When the call became active (ms since epoch), for the timer. */
  activeSince: number | null;
  connection: 'new' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
  local: {
    camera: MediaStream | null;
    muted: boolean;
    cameraOff: boolean;
    sharing: boolean;
    shareLabel: string | null;
    /** Plain words when switching camera or microphone failed (the old ones stay on). */
    deviceError: string | null;
  };
  remote: {
    camera: MediaStream | null;
    screen: MediaStream | null;
    muted: boolean;
    cameraOff: boolean;
    sharing: boolean;
  };
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
  dispose(): void;
}
