/**
 * The verifier's server check: do the receipts in a recording's manifest show that the server
 * knew this recording? Each must be signed by the server's key (fetched from the server, or
 * given for an offline check) and describe this call, this recording and, for the stop, exactly
 * this file: its bytes, SHA-256 and chain head. In the app the server is also asked which
 * receipts it holds. Anything short of that is "not known to the server", with the reason.
 */
import { verifyReceipt, type ReceiptKey } from '../../shared/protocol/recording-receipts.ts';
import type { RecordingManifest } from './manifest.ts';
import type { StoredReceipt } from './receipts-schema.ts';
import type { ServerReceiptCheck } from './verify.ts';
import { count } from './words.ts';

export interface ServerReceiptCheckOptions {
  /** The server's receipt key: fetched (GET /api/recordings/receipt-key) or given. */
  key: () => Promise<ReceiptKey>;
  /** The receipts the server holds for a recording (the app asks with its session). */
  held?: (recordingId: string) => Promise<StoredReceipt[]>;
}

const short = (id: string): string => `${id.slice(0, 16)}…`;
const failed = (error: unknown): string =>
  error instanceof Error && error.message ? error.message : 'it did not answer';

type Problem = string | null;

/** Whether one receipt says what the manifest says; the first difference, in words. */
function mismatch(m: RecordingManifest, stored: StoredReceipt): Problem {
  const r = stored.receipt;
  const which = `The ${r.phase} receipt`;
  if (r.callId !== m.callId) return `${which} is for another call (${r.callId}).`;
  if (r.recordingId !== m.recordingId)
    return `${which} is for another recording (${r.recordingId}).`;
  if (r.phase !== 'stop') return null;
  if (r.bytes !== m.bytes) {
    return `${which} vouches for ${count(r.bytes ?? 0, 'byte')}, but the recording has ${count(m.bytes, 'byte')}.`;
  }
  if (r.sha256 !== m.sha256)
    return `${which} vouches for a file with another SHA-256 than this one.`;
  if (r.chainHead !== m.chain.head)
    return `${which} vouches for another hash chain than this file’s.`;
  if (r.startedAt !== m.startedAt || r.endedAt !== m.endedAt) {
    return `${which} gives other start and end times than the manifest.`;
  }
  return null;
}

async function signatureProblem(stored: StoredReceipt, key: ReceiptKey): Promise<Problem> {
  const { receipt, signature } = stored;
  if (await verifyReceipt(receipt, signature, key.publicKey)) return null;
  const which = `The ${receipt.phase} receipt`;
  if (receipt.serverKeyId !== key.keyId) {
    return `${which} names another signing key (${short(receipt.serverKeyId)}) than the server’s (${short(key.keyId)}): it was not signed by this server.`;
  }
  return `${which}’s signature does not match its contents: it was changed after the server signed it, or signed with another key.`;
}

/** What the server holds must include the very receipts in the manifest. */
async function heldProblem(
  m: RecordingManifest & { recordingId: string },
  stop: StoredReceipt,
  held: NonNullable<ServerReceiptCheckOptions['held']>,
): Promise<Problem> {
  let list: StoredReceipt[];
  try {
    list = await held(m.recordingId);
  } catch (error) {
    return `The server could not be asked which receipts it holds (${failed(error)}).`;
  }
  if (list.length === 0) return 'The server holds no receipt for this recording.';
  if (!list.some((r) => r.signature === stop.signature)) {
    return 'The server holds other receipts for this recording than the ones in its manifest.';
  }
  return null;
}

export function createServerReceiptCheck(options: ServerReceiptCheckOptions): ServerReceiptCheck {
  return async (m) => {
    const receipts = m.serverReceipts;
    const missing = receipts?.missing.length ? ` (${receipts.missing.join('; ')})` : '';
    if (!receipts || m.recordingId === undefined || (!receipts.start && !receipts.stop)) {
      return {
        known: false,
        reason: receipts
          ? `The manifest holds no receipt from the server${missing}.`
          : 'The manifest holds no receipt from the server: the server was unreachable while it was recorded, or it was made before receipts.',
      };
    }
    let key: ReceiptKey;
    try {
      key = await options.key();
    } catch (error) {
      return {
        known: false,
        reason: `The server’s receipt key could not be had (${failed(error)}), so its receipts could not be checked.`,
      };
    }
    const present = [receipts.start, receipts.stop].filter((r) => r !== null);
    for (const stored of present) {
      const problem = (await signatureProblem(stored, key)) ?? mismatch(m, stored);
      if (problem) return { known: false, reason: problem };
    }
    if (!receipts.stop) {
      return {
        known: false,
        reason: `The server vouched for the start of this recording but not for the file it became${missing}.`,
      };
    }
    if (options.held) {
      const problem = await heldProblem(
        { ...m, recordingId: m.recordingId },
        receipts.stop,
        options.held,
      );
      if (problem) return { known: false, reason: problem };
    }
    const phases = receipts.start ? 'start and stop receipts vouch' : 'stop receipt vouches';
    const recovered = receipts.recovered ? ', the stop asked for when the app recovered it' : '';
    return {
      known: true,
      detail: `The server’s ${phases} for this file (key ${short(key.keyId)}${recovered}).`,
    };
  };
}
