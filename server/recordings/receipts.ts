/**
 * Recording receipts: the server vouches that a recording of a call started and stopped, who
 * was in the call, and (at stop) the file's size and hashes the app reported. A start needs the
 * advisor joined in the call now (the call registry); a stop needs this advisor's start receipt
 * for the same recording and call, and names everyone who was in the call meanwhile (the start's
 * people and whoever answered or joined after, from the audit trail's call records). Each
 * receipt is signed (receipt-key.ts) and appended to the audit trail before it is handed out.
 */
import {
  receiptParticipantSchema,
  signedReceiptSchema,
  type Receipt,
  type ReceiptParticipant,
  type ReceiptRequest,
  type SignedReceipt,
} from '../../shared/protocol/recording-receipts.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import type { AuditTrail } from '../audit/audit-trail.ts';
import type { People } from '../calls/people.ts';
import { joinedOf, type CallRegistry } from '../calls/registry.ts';
import { HttpError } from '../http/json.ts';
import type { ReceiptSigner } from './receipt-key.ts';

export interface ReceiptDeps {
  registry: CallRegistry;
  people: People;
  audit: AuditTrail;
  signer: ReceiptSigner;
  now?: () => number;
}

type StartRequest = Extract<ReceiptRequest, { phase: 'start' }>;
type StopRequest = Extract<ReceiptRequest, { phase: 'stop' }>;

const RECEIPT_TYPES = { start: 'recording.start-receipt', stop: 'recording.stop-receipt' } as const;
const JOINS = new Set(['call.answered', 'call.joined']);

/** The receipts among a recording's audit records (any advisor's). */
const receiptsIn = (records: AuditRecord[]): (SignedReceipt & { seq: number })[] =>
  records.flatMap((record) => {
    if (record.type !== RECEIPT_TYPES.start && record.type !== RECEIPT_TYPES.stop) return [];
    const parsed = signedReceiptSchema.safeParse(record.fields);
    return parsed.success ? [{ ...parsed.data, seq: record.seq }] : [];
  });

const exists = (phase: 'start' | 'stop') =>
  new HttpError(409, 'receipt-exists', `This recording has a ${phase} receipt already.`);

export function createReceipts(deps: ReceiptDeps) {
  const { audit, signer, now = Date.now } = deps;

  async function issue(fields: Omit<Receipt, 'at' | 'serverKeyId'>): Promise<SignedReceipt> {
    const receipt: Receipt = {
      ...fields,
      at: new Date(now()).toISOString(),
      serverKeyId: signer.publicKey.keyId,
    };
    const signature = signer.sign(receipt);
    // Stored before it is handed out: a receipt the trail does not hold was never given.
    await audit.append(RECEIPT_TYPES[receipt.phase], receipt.advisorId, {
      callId: receipt.callId,
      recordingId: receipt.recordingId,
      receipt,
      signature,
    });
    return { receipt, signature };
  }

  async function start(advisorId: string, request: StartRequest): Promise<SignedReceipt> {
    const call = await deps.registry.get(request.callId);
    const joined = call ? joinedOf(call) : [];
    if (!joined.some((p) => p.userId === advisorId)) {
      throw new HttpError(
        403,
        'not-in-call',
        'You are not in that call, so the server cannot vouch for a recording of it.',
      );
    }
    const earlier = receiptsIn(await audit.store.find({ recordingId: request.recordingId }));
    if (earlier.length > 0) throw exists('start');
    const participants = await Promise.all(
      joined.map(async (p): Promise<ReceiptParticipant> => {
        const { displayName, guest } = await deps.people.describe(p.userId);
        return { userId: p.userId, displayName, ...(guest ? { guest: true } : {}) };
      }),
    );
    return issue({
      phase: 'start',
      callId: request.callId,
      recordingId: request.recordingId,
      advisorId,
      participants,
    });
  }

  /** Everyone in the start receipt, then whoever answered or joined the call after it. */
  async function peopleSince(
    started: SignedReceipt & { seq: number },
  ): Promise<ReceiptParticipant[]> {
    const people = new Map(started.receipt.participants.map((p) => [p.userId, p]));
    await audit.flush(); // a join this node decided a moment ago is in the trail too
    for (const record of await audit.store.find({ callId: started.receipt.callId })) {
      if (record.seq < started.seq || !JOINS.has(record.type)) continue;
      const joiner = receiptParticipantSchema.safeParse(record.fields);
      if (joiner.success && !people.has(joiner.data.userId))
        people.set(joiner.data.userId, joiner.data);
    }
    return [...people.values()];
  }

  async function stop(advisorId: string, request: StopRequest): Promise<SignedReceipt> {
    const mine = receiptsIn(await audit.store.find({ recordingId: request.recordingId })).filter(
      (r) => r.receipt.advisorId === advisorId && r.receipt.callId === request.callId,
    );
    const started = mine.find((r) => r.receipt.phase === 'start');
    if (!started) {
      throw new HttpError(
        409,
        'no-start-receipt',
        'The server gave no start receipt for this recording of that call, so it cannot sign its stop.',
      );
    }
    if (mine.some((r) => r.receipt.phase === 'stop')) throw exists('stop');
    const { phase, callId, recordingId, bytes, sha256, chainHead, startedAt, endedAt } = request;
    const participants = await peopleSince(started);
    return issue({
      phase,
      callId,
      recordingId,
      advisorId,
      participants,
      bytes,
      sha256,
      chainHead,
      startedAt,
      endedAt,
    });
  }

  return {
    issue: (advisorId: string, request: ReceiptRequest) =>
      request.phase === 'start' ? start(advisorId, request) : stop(advisorId, request),
    /** This advisor's receipts for the recording, start first; none when the server knows none. */
    async list(advisorId: string, recordingId: string): Promise<SignedReceipt[]> {
      const all = receiptsIn(await audit.store.find({ recordingId }));
      return all
        .filter((r) => r.receipt.advisorId === advisorId)
        .map(({ receipt, signature }) => ({ receipt, signature }));
    },
  };
}
export type Receipts = ReturnType<typeof createReceipts>;
