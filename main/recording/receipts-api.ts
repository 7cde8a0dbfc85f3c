/**
 * The server's recording-receipt endpoints as main calls them, with the signed-in session, and
 * the retry rule: a network failure, a busy or failing server is tried again a few times; a
 * refusal (not in that call, no start receipt) is the answer and is not.
 */
import { z } from 'zod';
import { BridgeFailure } from '../../shared/bridge/results.ts';
import {
  RECEIPT_PATHS,
  receiptKeySchema,
  type ReceiptKey,
  type ReceiptRequest,
} from '../../shared/protocol/recording-receipts.ts';
import type { Session } from '../session/session.ts';
import { ServerRefusal } from '../session/server-api.ts';
import { storedReceiptSchema, type StoredReceipt } from './receipts-schema.ts';

export interface ReceiptsApi {
  issue(request: ReceiptRequest): Promise<StoredReceipt>;
  /** The signed-in advisor's receipts for a recording, as the server holds them. */
  list(recordingId: string): Promise<StoredReceipt[]>;
  /** The public key the server signs receipts with. */
  key(): Promise<ReceiptKey>;
}

const listSchema = z.object({ receipts: z.array(storedReceiptSchema) });

export function sessionReceiptsApi(session: Pick<Session, 'request'>): ReceiptsApi {
  return {
    issue: (request) =>
      session.request(RECEIPT_PATHS.receipts, storedReceiptSchema, {
        method: 'POST',
        body: request,
      }),
    async list(recordingId) {
      const path = `${RECEIPT_PATHS.receipts}/${encodeURIComponent(recordingId)}`;
      return (await session.request(path, listSchema)).receipts;
    },
    key: () => session.request(RECEIPT_PATHS.key, receiptKeySchema),
  };
}

/** Waits between attempts: three more tries over about 20 s. */
export const RETRY_DELAYS_MS: readonly number[] = [2_000, 5_000, 15_000];

/** Worth another try: the server could not be reached, failed, was busy or we were not signed in yet. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ServerRefusal) return error.status >= 500 || error.status === 429;
  if (error instanceof BridgeFailure) {
    return ['server-unreachable', 'server-error', 'rate-limited', 'not-signed-in'].includes(
      error.code,
    );
  }
  return true;
}

/** The work, tried again after each delay while it fails in a way worth retrying. */
export async function withRetries<T>(
  work: () => Promise<T>,
  delays: readonly number[] = RETRY_DELAYS_MS,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }
}

/** Why the server gave nothing, as the manifest says it ("no start receipt: <this>"). */
export function whyNot(error: unknown): string {
  if (error instanceof BridgeFailure) return error.message;
  return 'the request failed unexpectedly';
}
