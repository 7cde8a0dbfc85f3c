/**
 * The call's state as a pure reducer: every change the engine makes goes through `reduce`, so
 * the UI reads one immutable snapshot and unit tests drive the rules without a browser. Media
 * objects (MediaStream) are carried, never created here.
 */
import { isGuestId } from '../../shared/protocol/guest.ts';
import type { MediaState, Participant } from '../../shared/protocol/signaling.ts';
import type {
  CallOutcomeKind,
  CallSnapshot,
  Peer,
  PeerConnection,
  Quality,
  RemoteParticipant,
} from './types.ts';

export type CallAction =
  | { type: 'dial'; callId: string; peer: Peer }
  | { type: 'ring'; callId: string; from: Peer; others: Peer[] }
  | { type: 'answering' }
  | { type: 'participants'; list: Participant[]; me: string }
  | { type: 'joined'; id: string }
  | { type: 'left'; id: string; notice?: string }
  | { type: 'connection'; id: string; connection: PeerConnection; at: number }
  | { type: 'track'; id: string; slot: 'camera' | 'screen'; stream: MediaStream | null }
  | { type: 'media-state'; id: string; state: MediaState }
  | { type: 'speaking'; ids: readonly string[] }
  /** Each connection's latest sample, all at once (one change for the UI, not one per peer). */
  | { type: 'quality'; byId: Readonly<Record<string, Quality>> }
  | { type: 'remote-recording'; id: string; on: boolean }
  | { type: 'local'; patch: Partial<CallSnapshot['local']> }
  | { type: 'recording'; patch: Partial<CallSnapshot['recording']> }
  | { type: 'notice'; message: string }
  | { type: 'dismiss' }
  | { type: 'ended'; kind: CallOutcomeKind; message: string }
  | { type: 'reset' };

export const IDLE: CallSnapshot = {
  phase: 'idle',
  callId: null,
  direction: null,
  peer: null,
  invitedWith: [],
  outcome: null,
  notices: [],
  activeSince: null,
  connection: 'new',
  local: {
    camera: null,
    muted: false,
    cameraOff: false,
    sharing: false,
    shareLabel: null,
    screen: null,
    deviceError: null,
  },
  participants: [],
  quality: null,
  recording: {
    state: 'off',
    consentRequestedBy: null,
    awaitingConsentFrom: [],
    lastSummary: null,
    error: null,
  },
};

export function newParticipant(
  peer: Peer,
  state: RemoteParticipant['state'] = 'ringing',
): RemoteParticipant {
  return {
    id: peer.id,
    displayName: peer.displayName,
    guest: peer.guest ?? isGuestId(peer.id),
    state,
    joinedAt: null,
    connection: 'new',
    camera: null,
    screen: null,
    muted: false,
    cameraOff: false,
    sharing: false,
    speaking: false,
    recording: false,
    quality: null,
  };
}

/** A fresh call keeps only the last recording's summary (its notice outlives the call). */
const fresh = (s: CallSnapshot): CallSnapshot => ({
  ...IDLE,
  recording: { ...IDLE.recording, lastSummary: s.recording.lastSummary },
});

const canRing = (s: CallSnapshot): boolean => s.phase === 'idle' || s.phase === 'ended';
export const inCall = (s: CallSnapshot): boolean =>
  s.phase === 'connecting' || s.phase === 'active';
export const joinedOthers = (s: CallSnapshot): RemoteParticipant[] =>
  s.participants.filter((p) => p.state === 'joined');
export const participant = (s: CallSnapshot, id: string): RemoteParticipant | undefined =>
  s.participants.find((p) => p.id === id);

const RANK: Record<PeerConnection, number> = {
  connected: 0,
  new: 1,
  connecting: 2,
  reconnecting: 3,
  failed: 4,
};
/** What the advisor is told: the worst of the joined participants' connections. */
function overall(participants: RemoteParticipant[]): PeerConnection {
  const joined = participants.filter((p) => p.state === 'joined' && p.connection !== 'new');
  if (joined.length === 0) return 'connecting';
  return joined.reduce<PeerConnection>(
    (worst, p) => (RANK[p.connection] > RANK[worst] ? p.connection : worst),
    'connected',
  );
}

function updateOne(
  s: CallSnapshot,
  id: string,
  patch: (p: RemoteParticipant) => Partial<RemoteParticipant>,
): CallSnapshot {
  if (!participant(s, id)) return s;
  return {
    ...s,
    participants: s.participants.map((p) => (p.id === id ? { ...p, ...patch(p) } : p)),
  };
}

/** The server's list (everyone, me included) merged into ours: media state stays with each person. */
function mergeList(s: CallSnapshot, list: Participant[], me: string): CallSnapshot {
  const others = list.filter((p) => p.userId !== me);
  const participants = others.map((p) => {
    const known = participant(s, p.userId);
    const joinedAt = p.joinedAt ?? null;
    if (!known || rejoined(known, joinedAt)) {
      // Someone new, or someone back anew: nothing of their old connection stays.
      const peer = { id: p.userId, displayName: p.displayName, guest: p.guest ?? known?.guest };
      return { ...newParticipant(peer, p.state), joinedAt };
    }
    const guest = p.guest ?? known.guest;
    return { ...known, displayName: p.displayName, guest, state: p.state, joinedAt };
  });
  return { ...s, participants, connection: overall(participants) };
}

/** They joined again since we last heard (a crash and a return): a new connection. */
export const rejoined = (known: RemoteParticipant, joinedAt: number | null): boolean =>
  known.joinedAt !== null && joinedAt !== null && joinedAt !== known.joinedAt;

function onConnection(
  s: CallSnapshot,
  id: string,
  connection: PeerConnection,
  at: number,
): CallSnapshot {
  const next = updateOne(s, id, () => ({ connection }));
  const participants = next.participants;
  const becameActive = s.phase === 'connecting' && connection === 'connected';
  return {
    ...next,
    phase: becameActive ? 'active' : next.phase,
    activeSince: becameActive ? at : next.activeSince,
    connection: overall(participants),
  };
}

export function reduce(s: CallSnapshot, action: CallAction): CallSnapshot {
  switch (action.type) {
    case 'dial':
      if (!canRing(s)) return s;
      return {
        ...fresh(s),
        phase: 'outgoing',
        direction: 'outgoing',
        callId: action.callId,
        peer: action.peer,
        participants: [newParticipant(action.peer)],
      };
    case 'ring':
      if (!canRing(s)) return s;
      return {
        ...fresh(s),
        phase: 'incoming',
        direction: 'incoming',
        callId: action.callId,
        peer: action.from,
        invitedWith: action.others,
        participants: [action.from, ...action.others].map((p) => newParticipant(p, 'joined')),
      };
    case 'answering':
      return s.phase === 'incoming' ? { ...s, phase: 'connecting', connection: 'connecting' } : s;
    case 'participants':
      return s.phase === 'idle' || s.phase === 'ended' ? s : mergeList(s, action.list, action.me);
    case 'joined': {
      const next = updateOne(s, action.id, () => ({ state: 'joined' }));
      return s.phase === 'outgoing'
        ? { ...next, phase: 'connecting', connection: 'connecting' }
        : next;
    }
    case 'left': {
      const participants = s.participants.filter((p) => p.id !== action.id);
      if (participants.length === s.participants.length) return s;
      const notices = action.notice ? [...s.notices, action.notice] : s.notices;
      const awaitingConsentFrom = s.recording.awaitingConsentFrom.filter((id) => id !== action.id);
      return {
        ...s,
        participants,
        notices,
        connection: overall(participants),
        recording: { ...s.recording, awaitingConsentFrom },
      };
    }
    case 'connection':
      return onConnection(s, action.id, action.connection, action.at);
    case 'track':
      return updateOne(s, action.id, () => ({ [action.slot]: action.stream }));
    case 'media-state':
      return updateOne(s, action.id, (p) => ({
        muted: !action.state.audio,
        cameraOff: !action.state.video,
        sharing: action.state.screen,
        screen: action.state.screen ? p.screen : null,
      }));
    case 'speaking': {
      const changed = s.participants.some((p) => p.speaking !== action.ids.includes(p.id));
      if (!changed) return s;
      return {
        ...s,
        participants: s.participants.map((p) => ({ ...p, speaking: action.ids.includes(p.id) })),
      };
    }
    case 'quality': {
      const { byId } = action;
      if (!s.participants.some((p) => p.id in byId)) return s;
      const participants = s.participants.map((p) =>
        p.id in byId ? { ...p, quality: byId[p.id] ?? p.quality } : p,
      );
      return { ...s, participants, quality: worstQuality(participants) };
    }
    case 'remote-recording':
      return updateOne(s, action.id, () => ({ recording: action.on }));
    case 'local':
      return { ...s, local: { ...s.local, ...action.patch } };
    case 'recording':
      return { ...s, recording: { ...s.recording, ...action.patch } };
    case 'notice':
      return { ...s, notices: [...s.notices, action.message] };
    case 'dismiss':
      if (s.phase === 'ended') return { ...IDLE };
      return {
        ...s,
        notices: [],
        recording: { ...s.recording, lastSummary: null, error: null },
        local: { ...s.local, deviceError: null },
      };
    case 'ended':
      return {
        ...IDLE,
        phase: 'ended',
        peer: s.peer,
        callId: s.callId,
        outcome: { kind: action.kind, message: action.message },
        recording: {
          ...IDLE.recording,
          lastSummary: s.recording.lastSummary,
          error: s.recording.error,
        },
      };
    case 'reset':
      return fresh(s);
  }
}

const LEVEL_RANK = { good: 0, fair: 1, poor: 2 } as const;
function worstQuality(participants: RemoteParticipant[]): Quality | null {
  let worst: Quality | null = null;
  for (const p of participants) {
    if (p.state !== 'joined' || !p.quality) continue;
    if (!worst || LEVEL_RANK[p.quality.level] > LEVEL_RANK[worst.level]) worst = p.quality;
  }
  return worst;
}
