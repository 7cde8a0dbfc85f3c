/**
 * The manifest beside every recording (`<file>.json`), version 2. Written at start with status
 * "recording" (the journal a crash leaves), then replaced at the end, signed. Everything in it
 * comes from main: the bytes it wrote, the chain over them, and the call as main relayed it.
 */
import { z } from 'zod';
import { recordingStateSchema } from '../../shared/protocol/signaling.ts';
import type { CallAccount } from './call-account.ts';
import { CHAIN_ALGORITHM, CHAIN_SEED, type ChainEntry } from './hash-chain.ts';
import { serverReceiptsSchema } from './receipts-schema.ts';

export const MANIFEST_VERSION = 2;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256');
const count = z.number().int().min(0);

export const manifestStatusSchema = z.enum([
  /** Still being written, or the app stopped before closing it (the next start recovers it). */
  'recording',
  'complete',
  /**
   * Main closed it early: the window reloaded, navigated, closed or crashed, or (consentMissing)
   * someone joined who had not agreed to be recorded.
   */
  'interrupted',
  /** A write error ended it; what reached the disk is described. */
  'failed',
  /** Closed by the next start after the app itself stopped: what was found on disk. */
  'recovered',
]);
export type ManifestStatus = z.infer<typeof manifestStatusSchema>;

export const manifestParticipantSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  /**
   * Who told main the name: the server at sign-in (me), in signaling, or in its directory; the
   * renderer only as a last resort.
   */
  nameFrom: z.enum(['session', 'signaling', 'directory', 'renderer']).nullable(),
  guest: z.boolean(),
  joinedAt: z.string().nullable(),
  leftAt: z.string().nullable(),
});
export type ManifestParticipant = z.infer<typeof manifestParticipantSchema>;

/** A recording-state message main relayed (asked, allowed, refused, started, stopped), and when. */
export const consentEventSchema = z.object({
  at: z.string(),
  from: z.string(),
  to: z.string(),
  state: recordingStateSchema,
});
export type ConsentEvent = z.infer<typeof consentEventSchema>;

/** The renderer's list of participants compared with what main saw. */
export const participantsCheckSchema = z.object({
  matches: z.boolean(),
  claimedNotWitnessed: z.array(z.object({ id: z.string(), displayName: z.string() })),
  witnessedNotClaimed: z.array(z.string()),
});
export type ParticipantsCheck = z.infer<typeof participantsCheckSchema>;

export const chainSchema = z.object({
  algorithm: z.literal(CHAIN_ALGORITHM),
  count,
  head: hex64,
  /** Every chunk in order: [length, SHA-256]. */
  chunks: z.array(z.tuple([count, hex64])),
});

export const signerSchema = z.object({
  algorithm: z.literal('Ed25519'),
  /** SHA-256 (hex) of the public key's SPKI DER bytes. */
  keyId: hex64,
  /** The public key, SPKI DER in base64. */
  publicKey: z.string().max(200),
});
export type ManifestSigner = z.infer<typeof signerSchema>;

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  status: manifestStatusSchema,
  callId: z.string(),
  /** The app's id for this recording, which the server's receipts name (absent before receipts). */
  recordingId: z.string().max(80).optional(),
  file: z.string(),
  mimeType: z.string(),
  appVersion: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  bytes: count,
  /** SHA-256 of the whole file; null until the recording is closed. */
  sha256: hex64.nullable(),
  chain: chainSchema,
  participants: z.array(manifestParticipantSchema),
  consent: z.array(consentEventSchema),
  participantsCheck: participantsCheckSchema,
  /** For a recovered recording: how much of what the journal described was found intact. */
  recovery: z
    .object({
      journalChunks: count,
      verifiedChunks: count,
      /** Bytes after the last whole chunk: covered by the file's SHA-256, not by the chain. */
      unchainedBytes: count,
    })
    .optional(),
  /** The system error code that ended a 'failed' recording. */
  error: z.string().optional(),
  /**
   * Under IT's consent-required: who joined while it recorded without having agreed to be
   * recorded (user ids); main stopped the recording as they joined.
   */
  consentMissing: z.array(z.string()).optional(),
  /**
   * The file was finished at stop so that players can seek (webm-finish.ts): a new head of
   * `headBytes` (Duration, Cues) replaced the recorded bytes before the first Cluster, kept here;
   * the rest is the recorded bytes unchanged. `bytes` and `sha256` are of the finished file, the
   * chain of the chunks as they were written.
   */
  finished: z.object({ headBytes: count, recordedHead: z.base64().max(90_000) }).optional(),
  /** The server's signed receipts for the start and stop, or why there are none (receipts.ts). */
  serverReceipts: serverReceiptsSchema.optional(),
  signer: signerSchema.nullable(),
  /** Why there is no signature, in plain words. */
  unsigned: z.string().optional(),
  /** Ed25519 over canonicalJson(everything else), base64. */
  signature: z.string().optional(),
});
export type RecordingManifest = z.infer<typeof manifestSchema>;
/** What is signed: the manifest without its signature. */
export type UnsignedManifest = Omit<RecordingManifest, 'signature'>;

export interface ManifestBase {
  callId: string;
  recordingId?: string;
  file: string;
  mimeType: string;
  appVersion: string;
  startedAt: number;
}

/** What a closed recording adds: where it ended and what the file holds. */
export interface ClosedFile {
  endedAt: number;
  bytes: number;
  sha256: string;
  chain: { entries: ChainEntry[]; head: string };
  recovery?: RecordingManifest['recovery'];
  error?: string;
  finished?: RecordingManifest['finished'];
  consentMissing?: string[];
}

/** A manifest before signing; `closed` is null for the journal written at start. */
export function buildManifest(
  base: ManifestBase,
  status: ManifestStatus,
  account: CallAccount,
  closed: ClosedFile | null,
): UnsignedManifest {
  const entries = closed?.chain.entries ?? [];
  return {
    version: MANIFEST_VERSION,
    status,
    callId: base.callId,
    ...(base.recordingId === undefined ? {} : { recordingId: base.recordingId }),
    file: base.file,
    mimeType: base.mimeType,
    appVersion: base.appVersion,
    startedAt: new Date(base.startedAt).toISOString(),
    endedAt: closed ? new Date(closed.endedAt).toISOString() : null,
    durationMs: closed ? Math.max(0, Math.round(closed.endedAt - base.startedAt)) : null,
    bytes: closed?.bytes ?? 0,
    sha256: closed?.sha256 ?? null,
    chain: {
      algorithm: CHAIN_ALGORITHM,
      count: entries.length,
      head: closed?.chain.head ?? CHAIN_SEED,
      chunks: entries,
    },
    ...account,
    ...(closed?.recovery ? { recovery: closed.recovery } : {}),
    ...(closed?.error === undefined ? {} : { error: closed.error }),
    ...(closed?.consentMissing ? { consentMissing: closed.consentMissing } : {}),
    ...(closed?.finished ? { finished: closed.finished } : {}),
    signer: null,
    ...(closed
      ? {}
      : { unsigned: 'Not closed yet: the manifest is signed when the recording ends.' }),
  };
}
