/**
 * The recording part of the bridge contract (contract.ts re-exports it): ids, start and summary,
 * the verifier's verdict, the archive export and the folder's status.
 */
import { z } from 'zod';
import { LIMITS } from '../protocol/limits.ts';
import { callIdSchema, userIdSchema } from '../protocol/ids.ts';

export const recordingIdSchema = z
  .string()
  .regex(/^rec_[A-Za-z0-9_-]{8,64}$/, 'not a recording id');
export const recordingStartSchema = z.object({
  callId: callIdSchema,
  participants: z
    .array(z.object({ id: userIdSchema, displayName: z.string().max(LIMITS.displayNameChars) }))
    .min(1)
    .max(16),
  mimeType: z.string().max(100),
});
export const recordingSummarySchema = z.object({
  recordingId: recordingIdSchema,
  fileName: z.string(),
  folder: z.string(),
  bytes: z.number().int().min(0),
  durationMs: z.number().int().min(0),
  sha256: z.string(),
});
export type RecordingSummary = z.infer<typeof recordingSummarySchema>;
/** At most this many bytes in one append (MediaRecorder's 1 s chunks are far smaller). */
export const MAX_RECORDING_CHUNK = 8 * 1024 * 1024;
/** What the verifier says of a recording (main/recording/verify.ts), with the reason. */
export const recordingVerificationSchema = z.object({
  verdict: z.enum(['valid', 'altered', 'truncated', 'unsigned', 'not-known-to-server']),
  status: z.enum(['recording', 'complete', 'interrupted', 'failed', 'recovered']).nullable(),
  reason: z.string(),
  /** The key that signed the manifest (what `npm run verify-recording -- --key` takes). */
  keyId: z.string().nullable(),
});
export type RecordingVerification = z.infer<typeof recordingVerificationSchema>;
/** A recording exported for archive: the package folder main made (in the folder the advisor chose). */
export const archiveExportSchema = z.object({
  folder: z.string(),
  files: z.array(z.string()),
});
export type ArchiveExport = z.infer<typeof archiveExportSchema>;
/** Whether a cloud service copies the recordings folder off the computer, and what to say. */
export const recordingsFolderStatusSchema = z.object({
  provider: z.string().nullable(),
  message: z.string().nullable(),
  refused: z.boolean(),
});
