/**
 * Recording receipts: the server's signed word that a recording of a call started and stopped.
 * The advisor's app asks at start and at stop (REST, bearer access token); the server checks the
 * advisor was in the call, names its participants as it knows them, and signs the receipt with
 * its Ed25519 key. A verifier checks a receipt with `verifyReceipt` and the key the server
 * serves at GET /api/recordings/receipt-key (no sign-in needed).
 *
 * The signature covers `canonicalJson(receipt)`: keys sorted, no whitespace, undefined left out
 * (the same form as the app's manifest), so reordering or re-indenting never breaks it while any
 * changed, added or dropped member does. Pure TypeScript and WebCrypto: usable in main, the
 * renderer and the server alike.
 */
import { z } from 'zod';
import { callIdSchema, userIdSchema } from './ids.ts';
import { LIMITS } from './limits.ts';
import { canonicalJson } from './canonical-json.ts';

export const RECEIPT_PATHS = {
  receipts: '/api/recordings/receipts',
  /** GET `${receipts}/<recordingId>`: the advisor's own receipts for that recording. */
  key: '/api/recordings/receipt-key',
} as const;

/** The app's own id for one recording: random, made when it starts. */
export const recordingIdSchema = z
  .string()
  .min(8)
  .max(LIMITS.idChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'recording ids are letters, digits, _ and -');

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex');
const isoTimeSchema = z.iso.datetime({ offset: true });

// ---- POST /api/recordings/receipts -------------------------------------------------------
export const receiptRequestSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('start'), callId: callIdSchema, recordingId: recordingIdSchema }),
  z.object({
    phase: z.literal('stop'),
    callId: callIdSchema,
    recordingId: recordingIdSchema,
    /** The finished file's size and SHA-256, and the head of the app's hash chain over chunks. */
    bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    sha256: sha256HexSchema,
    chainHead: sha256HexSchema,
    /** When the app started and stopped writing (its clock). */
    startedAt: isoTimeSchema,
    endedAt: isoTimeSchema,
  }),
]);
export type ReceiptRequest = z.infer<typeof receiptRequestSchema>;

export const receiptParticipantSchema = z.object({
  userId: userIdSchema,
  displayName: z.string().max(LIMITS.displayNameChars),
  guest: z.boolean().optional(),
});
export type ReceiptParticipant = z.infer<typeof receiptParticipantSchema>;

/** What the server signs. Stop receipts add the file's size and hashes and the app's times. */
export const receiptSchema = z.object({
  phase: z.enum(['start', 'stop']),
  callId: callIdSchema,
  recordingId: recordingIdSchema,
  advisorId: userIdSchema,
  /**
   * Start: who was joined in the call then. Stop: everyone who was in it while it was
   * recorded (the start's people and whoever joined after).
   */
  participants: z.array(receiptParticipantSchema),
  /** The server's clock when it signed. */
  at: isoTimeSchema,
  bytes: z.number().int().nonnegative().optional(),
  sha256: sha256HexSchema.optional(),
  chainHead: sha256HexSchema.optional(),
  startedAt: isoTimeSchema.optional(),
  endedAt: isoTimeSchema.optional(),
  /** SHA-256 (hex) of the signing key's SPKI DER bytes: which server key signed. */
  serverKeyId: sha256HexSchema,
});
export type Receipt = z.infer<typeof receiptSchema>;

export const signedReceiptSchema = z.object({
  receipt: receiptSchema,
  /** Ed25519 over canonicalJson(receipt), base64. */
  signature: z.string().min(1).max(200),
});
export type SignedReceipt = z.infer<typeof signedReceiptSchema>;

/** GET /api/recordings/receipts/<recordingId> */
export const receiptListSchema = z.object({ receipts: z.array(signedReceiptSchema) });

/** GET /api/recordings/receipt-key */
export const receiptKeySchema = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: sha256HexSchema,
  /** SPKI DER, base64. */
  publicKey: z.string().min(1).max(200),
});
export type ReceiptKey = z.infer<typeof receiptKeySchema>;

/** The bytes a receipt's signature covers. */
export const receiptSigningBytes = (receipt: Receipt): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(canonicalJson(receipt));

const fromBase64 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** The key id of a public key (SPKI DER, base64): SHA-256 of its bytes, hex. */
export async function receiptKeyId(publicKey: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', fromBase64(publicKey)));
}

/**
 * True only when `signature` is the server key's Ed25519 signature of exactly this receipt and
 * the receipt names that key. `publicKey`: SPKI DER, base64, as the receipt-key endpoint serves
 * it. A malformed key or signature is false, never a throw.
 */
export async function verifyReceipt(
  receipt: Receipt,
  signature: string,
  publicKey: string,
): Promise<boolean> {
  try {
    if ((await receiptKeyId(publicKey)) !== receipt.serverKeyId) return false;
    const key = await crypto.subtle.importKey(
      'spki',
      fromBase64(publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      fromBase64(signature),
      receiptSigningBytes(receipt),
    );
  } catch {
    return false;
  }
}
