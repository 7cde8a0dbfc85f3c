/**
 * The bridge contract: argument and result schemas of every channel, payload schemas of every
 * event. Main validates what arrives against it; the renderer's types come from it; the preload
 * is built from its names (channels.ts). One place, three users.
 */
import { z } from 'zod';
import { LIMITS } from '../protocol/limits.ts';
import { guestLinkSchema } from '../protocol/guest.ts';
import { callIdSchema, userIdSchema } from '../protocol/ids.ts';
import {
  circlesResponseSchema,
  iceServersResponseSchema,
  userProfileSchema,
} from '../protocol/rest.ts';
import { clientEvents, serverEvents, type Ack } from '../protocol/signaling.ts';
import type { BridgeEvent, Channel } from './channels.ts';
import {
  archiveExportSchema,
  MAX_RECORDING_CHUNK,
  recordingIdSchema,
  recordingsFolderStatusSchema,
  recordingStartSchema,
  recordingSummarySchema,
  recordingVerificationSchema,
} from './recording-schemas.ts';

// ---- session -------------------------------------------------------------------------------
/** An http(s) address with no user name or password in it (those would end up in logs). */
export function isServerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}

export const serverUrlSchema = z
  .string()
  .trim()
  .max(2_048)
  .refine(
    isServerUrl,
    'Enter the server address your IT team gave you, e.g. https://advisor.example.com',
  );

export const sessionStateSchema = z.object({
  status: z.enum(['signed-out', 'signing-in', 'signed-in', 'expired']),
  serverUrl: z.string().nullable(),
  user: userProfileSchema.nullable(),
  /** Why the session is signed out or expired, in plain words. */
  message: z.string().nullable(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export const signInSchema = z.object({
  serverUrl: serverUrlSchema,
  username: z.string().trim().min(1, 'Enter your username.').max(LIMITS.usernameChars),
  password: z.string().min(1, 'Enter your password.').max(LIMITS.passwordChars),
});

// ---- signaling -----------------------------------------------------------------------------
export const connectionStateSchema = z.object({
  status: z.enum(['offline', 'connecting', 'online', 'reconnecting', 'auth-failed']),
  /** Reconnect attempts since the connection was last online. */
  attempt: z.number().int().min(0),
  message: z.string().nullable(),
});
export type ConnectionState = z.infer<typeof connectionStateSchema>;

const { 'auth-renew': _authRenew, ...callEvents } = clientEvents;
type CallEvents = typeof callEvents;
export type OutgoingSignal = {
  [E in keyof CallEvents]: { event: E; payload: z.infer<CallEvents[E]> };
}[keyof CallEvents];
/** What the renderer may send: every client event except auth (main owns the token). */
export const outgoingSignalSchema = z.discriminatedUnion(
  'event',
  Object.entries(callEvents).map(([event, payload]) =>
    z.object({ event: z.literal(event), payload }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<OutgoingSignal>;

export type IncomingSignal = {
  [E in keyof typeof serverEvents]: { event: E; payload: z.infer<(typeof serverEvents)[E]> };
}[keyof typeof serverEvents];
export const incomingSignalSchema = z.custom<IncomingSignal>((value) => {
  if (typeof value !== 'object' || value === null) return false;
  const { event, payload } = value as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || !Object.hasOwn(serverEvents, event)) return false;
  return serverEvents[event as keyof typeof serverEvents].safeParse(payload).success;
});

const ackSchema = z.custom<Ack>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { ok?: unknown }).ok === 'boolean',
);

// ---- settings ------------------------------------------------------------------------------
export const recordingPolicySchema = z.enum(['disabled', 'allowed', 'consent-required']);
export type RecordingPolicy = z.infer<typeof recordingPolicySchema>;

/** What the advisor can change (unless IT's policy pins it). */
export const userSettingsSchema = z.object({
  serverUrl: z.string().max(2_048),
  cameraId: z.string().max(512).nullable(),
  microphoneId: z.string().max(512).nullable(),
  speakerId: z.string().max(512).nullable(),
  notifyIncomingCalls: z.boolean(),
  startWithCameraOff: z.boolean(),
  startMuted: z.boolean(),
});
export type UserSettings = z.infer<typeof userSettingsSchema>;

export const settingsViewSchema = z.object({
  values: userSettingsSchema,
  /** The recordings folder, for display only (the renderer never sends paths). */
  recordingsFolder: z.string(),
  recordingPolicy: recordingPolicySchema,
  autoUpdate: z.boolean(),
  /** Keys IT's policy pins; the UI shows them read-only. */
  managed: z.array(z.string()),
  /** A policy file that could not be read, in plain words (its keys are then not applied). */
  policyError: z.string().nullable(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

// ---- screen sources ------------------------------------------------------------------------
export const screenSourceSchema = z.object({
  id: z.string().max(256),
  name: z.string(),
  kind: z.enum(['screen', 'window']),
  /** PNG data URL. */
  thumbnail: z.string(),
  appIcon: z.string().nullable(),
});
export type ScreenSource = z.infer<typeof screenSourceSchema>;

export const screenPermissionSchema = z.enum([
  'granted',
  'denied',
  'not-determined',
  'restricted',
  'unknown',
]);

// ---- recording (recording-schemas.ts) ------------------------------------------------------
export * from './recording-schemas.ts';

// ---- guests --------------------------------------------------------------------------------
/**
 * A guest link's id as the bridge carries it: it becomes a URL path segment in main, so only
 * plain characters (no "/", "..", "%").
 */
export const guestLinkIdSchema = guestLinkSchema.shape.id.regex(
  /^[A-Za-z0-9_-]+$/,
  'link ids are letters, digits, _ and -',
);
/** A link just made: the only time its full address is known (the server keeps only a hash). */
export const createdLinkSchema = guestLinkSchema.extend({
  id: guestLinkIdSchema,
  /** `${serverUrl}${GUEST_PAGE_PATH}${token}`: what the advisor sends the client. */
  link: z.string().max(4_096),
});
export type CreatedLink = z.infer<typeof createdLinkSchema>;
/** The most text one copy puts on the clipboard (a link is far shorter). */
export const MAX_CLIPBOARD_CHARS = 4_096;

// ---- the contract --------------------------------------------------------------------------
const none = z.tuple([]);
const empty = z.null();

export const contract = {
  'app:info': { args: none, result: z.object({ version: z.string(), platform: z.string() }) },
  'app:set-call-state': {
    args: z.tuple([
      z.object({
        inCall: z.boolean(),
        peerName: z.string().max(LIMITS.displayNameChars).nullable(),
      }),
    ]),
    result: empty,
  },
  'app:notify-incoming-call': {
    args: z.tuple([
      z.object({ callId: callIdSchema, callerName: z.string().max(LIMITS.displayNameChars) }),
    ]),
    result: z.object({ shown: z.boolean() }),
  },
  'app:notify-guest-waiting': {
    args: z.tuple([
      z.object({ guestId: userIdSchema, name: z.string().max(LIMITS.displayNameChars) }),
    ]),
    result: z.object({ shown: z.boolean() }),
  },
  /** Main builds the diagnostics report and puts it on the clipboard; the page never sees it. */
  'app:copy-diagnostics': { args: none, result: empty },
  'session:get': { args: none, result: sessionStateSchema },
  'session:sign-in': { args: z.tuple([signInSchema]), result: sessionStateSchema },
  'session:sign-out': { args: none, result: sessionStateSchema },
  'directory:circles': { args: none, result: circlesResponseSchema },
  'directory:ice-servers': { args: none, result: iceServersResponseSchema },
  'signal:status': { args: none, result: connectionStateSchema },
  'signal:send': { args: z.tuple([outgoingSignalSchema]), result: ackSchema },
  'settings:get': { args: none, result: settingsViewSchema },
  'settings:set': {
    args: z.tuple([userSettingsSchema.partial().strict()]),
    result: settingsViewSchema,
  },
  'settings:choose-recordings-folder': { args: none, result: settingsViewSchema },
  'screen:permission': { args: none, result: screenPermissionSchema },
  'screen:open-permission-settings': { args: none, result: empty },
  'screen:list-sources': {
    args: z.tuple([
      z.object({
        kinds: z
          .array(z.enum(['screen', 'window']))
          .min(1)
          .max(2),
      }),
    ]),
    result: z.array(screenSourceSchema),
  },
  'screen:choose': {
    args: z.tuple([z.object({ sourceId: z.string().max(256), audio: z.boolean() })]),
    result: empty,
  },
  'recording:start': {
    args: z.tuple([recordingStartSchema]),
    result: z.object({ recordingId: recordingIdSchema }),
  },
  'recording:append': {
    args: z.tuple([
      recordingIdSchema,
      z
        .instanceof(Uint8Array)
        .refine((b) => b.byteLength <= MAX_RECORDING_CHUNK, 'chunk too large'),
    ]),
    result: z.object({ bytes: z.number().int() }),
  },
  'recording:stop': { args: z.tuple([recordingIdSchema]), result: recordingSummarySchema },
  'recording:reveal': { args: z.tuple([recordingIdSchema]), result: empty },
  'recordings:verify': {
    args: z.tuple([recordingIdSchema]),
    result: recordingVerificationSchema,
  },
  /** Main asks where (the OS folder picker) and writes the package; null when the advisor cancels. */
  'recordings:export': {
    args: z.tuple([recordingIdSchema]),
    result: archiveExportSchema.nullable(),
  },
  'recordings:folder-status': { args: none, result: recordingsFolderStatusSchema },
  'guests:create-link': { args: none, result: createdLinkSchema },
  'guests:list-links': {
    args: none,
    result: z.object({ links: z.array(guestLinkSchema.extend({ id: guestLinkIdSchema })) }),
  },
  'guests:revoke-link': { args: z.tuple([guestLinkIdSchema]), result: empty },
  'clipboard:write-text': {
    args: z.tuple([z.string().min(1).max(MAX_CLIPBOARD_CHARS)]),
    result: empty,
  },
} satisfies Record<Channel, { args: z.ZodTuple; result: z.ZodType }>;

/** An app update in progress, as the advisor sees it (IT's update server, never mid-call). */
export const updateStatusSchema = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('downloading'), percent: z.number().min(0).max(100) }),
  z.object({ stage: z.literal('waiting-for-call-end'), version: z.string().max(64) }),
  z.object({ stage: z.literal('installing'), version: z.string().max(64) }),
]);
export type UpdateStatus = z.infer<typeof updateStatusSchema>;

export const events = {
  'session:changed': sessionStateSchema,
  'signal:connection': connectionStateSchema,
  'signal:event': incomingSignalSchema,
  'settings:changed': settingsViewSchema,
  'app:incoming-call-clicked': z.object({ callId: callIdSchema }),
  'app:guest-waiting-clicked': z.object({ guestId: userIdSchema }),
  'app:quit-requested-in-call': z.null(),
  'app:update': updateStatusSchema,
} satisfies Record<BridgeEvent, z.ZodType>;

export type ChannelArgs<C extends Channel> = z.infer<(typeof contract)[C]['args']>;
export type ChannelResult<C extends Channel> = z.infer<(typeof contract)[C]['result']>;
export type EventPayload<E extends BridgeEvent> = z.infer<(typeof events)[E]>;
