/**
 * The server's receipts as a recording's manifest keeps them: the start and stop receipts the
 * server signed (kept exactly as it sent them, unknown members included, so their signatures
 * still check), the key id it signed with, and for each receipt that never came, why.
 */
import { z } from 'zod';
import { receiptSchema } from '../../shared/protocol/recording-receipts.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256');

/** A signed receipt as stored: members a newer server adds are kept, since its signature covers them. */
export const storedReceiptSchema = z.object({
  receipt: receiptSchema.loose(),
  signature: z.string().min(1).max(200),
});
export type StoredReceipt = z.infer<typeof storedReceiptSchema>;

export const serverReceiptsSchema = z.object({
  /** The server key that signed them (SHA-256 of its SPKI DER), as the receipts name it. */
  serverKeyId: hex64.nullable(),
  start: storedReceiptSchema.nullable(),
  stop: storedReceiptSchema.nullable(),
  /** Why a receipt is missing, in plain words: "no start receipt: <reason>". */
  missing: z.array(z.string().max(1_000)).max(4),
  /** The stop receipt was asked for by the app's next start, after it stopped mid-recording. */
  recovered: z.boolean().optional(),
});
export type ServerReceipts = z.infer<typeof serverReceiptsSchema>;
