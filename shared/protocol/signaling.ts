/**
 * The Socket.io signaling protocol. The five seed events (call-offer, call-answer, ice-candidate,
 * call-decline, end-call) keep the mobile client's names and payloads; `callId` is optional on them
 * so a seed client that sends none still works (the server finds or makes the call). Everything
 * else is an addition with its own schema. Client payloads carry `to`; the server delivers the same
 * event with `from` stamped from the authenticated socket.
 */
import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { guestRefusalSchema } from './guest.ts';
import { callIdSchema, userIdSchema, type CallId } from './ids.ts';

export const sessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(LIMITS.sdpChars).optional(),
});
export type SessionDescription = z.infer<typeof sessionDescriptionSchema>;

const offerDescription = sessionDescriptionSchema.extend({
  type: z.literal('offer'),
  sdp: z.string().min(1).max(LIMITS.sdpChars),
});
const answerDescription = sessionDescriptionSchema.extend({
  type: z.literal('answer'),
  sdp: z.string().min(1).max(LIMITS.sdpChars),
});

export const iceCandidateSchema = z.object({
  candidate: z.string().max(LIMITS.candidateChars),
  sdpMid: z.string().max(LIMITS.idChars).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(LIMITS.idChars).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

const to = { to: userIdSchema };
const optionalCallId = { callId: callIdSchema.optional() };
const callId = { callId: callIdSchema };
/**
 * Why a call ended, when it was not a hang-up: the media never connected, or was lost and could
 * not be restored. Optional, so the seed's `end-call {to}` keeps its meaning.
 */
export const endReasonSchema = z.enum(['media-failed', 'media-lost']);
const optionalReason = { reason: endReasonSchema.optional() };

export const mediaStateSchema = z.object({
  audio: z.boolean(),
  video: z.boolean(),
  screen: z.boolean(),
});
export type MediaState = z.infer<typeof mediaStateSchema>;

export const recordingStateSchema = z.enum([
  'started',
  'stopped',
  'consent-requested',
  'consent-granted',
  'consent-denied',
]);
export type RecordingState = z.infer<typeof recordingStateSchema>;

/** What clients send. `from` on call-offer is accepted for seed compatibility and ignored. */
export const clientEvents = {
  'call-offer': z.object({
    ...to,
    ...optionalCallId,
    offer: offerDescription,
    from: z.unknown().optional(),
  }),
  'call-answer': z.object({ ...to, ...optionalCallId, answer: answerDescription }),
  'ice-candidate': z.object({ ...to, ...optionalCallId, candidate: iceCandidateSchema }),
  'call-decline': z.object({ ...to, ...optionalCallId }),
  'end-call': z.object({ ...to, ...optionalCallId, ...optionalReason }),
  /** The caller gives up before an answer. */
  'call-cancel': z.object({ ...to, ...callId }),
  /** Perfect negotiation: either party sends an offer or an answer mid-call. */
  'call-renegotiate': z.object({ ...to, ...callId, description: sessionDescriptionSchema }),
  'media-state': z.object({ ...to, ...callId, state: mediaStateSchema }),
  'recording-state': z.object({ ...to, ...callId, state: recordingStateSchema }),
  /**
   * After a reconnect: this socket speaks for my side of the call again. A call the server
   * forgot (it restarted) comes back once both parties resume it within 30 s, so signaling
   * resumes while the media never stopped; until then it is pending and blocks no one.
   */
  'call-resume': z.object({ ...to, ...callId }),
  /**
   * Meetings (an addition: a 1:1 call never needs it). A joined participant rings a circle-mate
   * of theirs into the call; the ack says the invitee's devices ring. Busy, declined and missed
   * come back to the inviter as call-busy, call-decline and call-missed from that invitee.
   */
  'call-invite': z.object({ ...to, ...callId }),
  /**
   * The invitee takes the call (`to`: the inviter). The ack says it is in; every other joined
   * participant learns it from call-participants, and each of them offers to the joiner
   * (call-renegotiate keyed by call id and peer): in every pair, whoever joined first offers.
   */
  'call-join': z.object({ ...to, ...callId }),
  /**
   * Guests (see guest.ts). The advisor lets a waiting guest in: the server tells the guest, and
   * the advisor's app then rings them (call-offer, or call-invite into the meeting). Refused with
   * meeting-full when the advisor's meeting has no room; the guest is told so.
   */
  'guest-admit': z.object({ guestId: userIdSchema }),
  /** The advisor turns a waiting guest away; the guest is told and disconnected. */
  'guest-deny': z.object({ guestId: userIdSchema }),
  /** A fresh access token for a live socket, so it outlives the token it connected with. */
  'auth-renew': z.object({ token: z.string().min(1).max(4_096) }),
} as const;
export type ClientEventName = keyof typeof clientEvents;
export type ClientPayload<E extends ClientEventName> = z.infer<(typeof clientEvents)[E]>;
export const clientEventNames = Object.keys(clientEvents) as ClientEventName[];

export const presenceStatusSchema = z.enum(['online', 'offline', 'in-call']);
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;

export const callErrorCodeSchema = z.enum([
  'invalid-payload',
  'not-allowed',
  'unavailable',
  'no-such-call',
  'not-in-call',
  'rate-limited',
  'caller-busy',
  'meeting-full',
  'unknown-event',
  'internal',
  /**
   * The server holds as many of this connection's messages as it will while its shared state
   * (Redis) is away; this one was not sent. Sending it again later may work.
   */
  'server-busy',
]);
export type CallErrorCode = z.infer<typeof callErrorCodeSchema>;

const from = { from: userIdSchema };

/** The most people in one meeting: a full mesh, every participant sends to every other. */
export const MAX_PARTICIPANTS = 4;

export const participantSchema = z.object({
  userId: userIdSchema,
  displayName: z.string().max(LIMITS.displayNameChars),
  /** Ringing: invited, not answered yet. Joined: in the call (media with every other joined one). */
  state: z.enum(['ringing', 'joined']),
  /**
   * When they last joined (server clock, ms). A new value means a new connection: they came
   * back (after a crash, on another device), so the others drop their old session with them
   * and offer a new one (whoever joined first offers).
   */
  joinedAt: z.number().int().nonnegative().optional(),
  /** A guest from a meeting link (no account): marked as such on every tile. */
  guest: z.boolean().optional(),
});
export type Participant = z.infer<typeof participantSchema>;
const participants = { participants: z.array(participantSchema).max(MAX_PARTICIPANTS) };

/** What the server sends. */
export const serverEvents = {
  'call-offer': z.object({
    ...from,
    ...callId,
    offer: offerDescription,
    fromName: z.string().max(LIMITS.displayNameChars),
  }),
  'call-answer': z.object({ ...from, ...callId, answer: answerDescription }),
  'ice-candidate': z.object({ ...from, ...callId, candidate: iceCandidateSchema }),
  'call-decline': z.object({ ...from, ...callId }),
  'end-call': z.object({ ...from, ...callId, ...optionalReason }),
  'call-cancel': z.object({ ...from, ...callId }),
  'call-renegotiate': z.object({ ...from, ...callId, description: sessionDescriptionSchema }),
  'media-state': z.object({ ...from, ...callId, state: mediaStateSchema }),
  'recording-state': z.object({ ...from, ...callId, state: recordingStateSchema }),
  /** To the caller: the callee is in another call. */
  'call-busy': z.object({ ...from, ...callId }),
  /** To both parties: nobody answered within the ring timeout. */
  'call-missed': z.object({ ...callId, peer: userIdSchema }),
  /** To every device of an invitee: a participant rings them into a meeting (see call-invite). */
  'call-invite': z.object({
    ...from,
    ...callId,
    fromName: z.string().max(LIMITS.displayNameChars),
    ...participants,
  }),
  /**
   * To every joined participant whenever the meeting's people change (joined, ringing, left).
   * A participant who leaves also sends end-call to the others, so a 1:1 never depends on this.
   */
  'call-participants': z.object({ ...callId, ...participants }),
  /** To the callee's other devices once one of them answered. */
  'call-answered-elsewhere': z.object({ ...callId }),
  /** A refused message; it reached no one else. */
  'call-error': z.object({
    code: callErrorCodeSchema,
    message: z.string(),
    event: z.string(),
    callId: callIdSchema.optional(),
  }),
  presence: z.object({ userId: userIdSchema, status: presenceStatusSchema }),
  /** On connect: the presence of every circle-mate. */
  'presence-snapshot': z.object({
    users: z.array(z.object({ userId: userIdSchema, status: presenceStatusSchema })),
  }),
  /** To the advisor's devices: a guest opened their link and asks to join. */
  'guest-waiting': z.object({
    guestId: userIdSchema,
    name: z.string().max(LIMITS.displayNameChars),
  }),
  /** To the advisor's devices: the guest left the lobby (admitted, denied, or closed the page). */
  'guest-gone': z.object({ guestId: userIdSchema }),
  /** To the guest: let in; the advisor's app rings them next. */
  'guest-admitted': z.object({
    advisorId: userIdSchema,
    advisorName: z.string().max(LIMITS.displayNameChars),
  }),
  /** To the guest: turned away (denied, meeting full, link withdrawn); they are disconnected. */
  'guest-refused': z.object({ reason: guestRefusalSchema, message: z.string() }),
  /** The access token of this socket expired; it is disconnected next. Reconnect with a fresh one. */
  'auth-expired': z.object({ message: z.string() }),
  /**
   * IT disabled this account: every socket of it is disconnected next, and reconnecting is
   * refused (connect_error account-disabled). Show the message; do not retry.
   */
  'account-disabled': z.object({ message: z.string() }),
} as const;
export type ServerEventName = keyof typeof serverEvents;
export type ServerPayload<E extends ServerEventName> = z.infer<(typeof serverEvents)[E]>;
export const serverEventNames = Object.keys(serverEvents) as ServerEventName[];

/**
 * The acknowledgement every client event may ask for. For `call-offer`, `ok: true` means at
 * least one device of the callee is ringing, unless a `call-busy` for that call id came first.
 */
export type Ack =
  { ok: true; callId?: CallId } | { ok: false; error: { code: CallErrorCode; message: string } };

/**
 * Reasons the server gives when it refuses or ends a socket (Socket.io `connect_error` message).
 * The connection limits also send a sentence for people in the error's `data.message`.
 */
export const AUTH_ERRORS = {
  missing: 'auth-missing',
  invalid: 'auth-invalid',
  expired: 'auth-expired',
  disabled: 'account-disabled',
  origin: 'origin-not-allowed',
  /** Past the sockets one account may hold, or one address may hold on a node. */
  tooManyConnections: 'too-many-connections',
  /** Past the handshakes one address may start per second. */
  tooManyHandshakes: 'too-many-handshakes',
} as const;
