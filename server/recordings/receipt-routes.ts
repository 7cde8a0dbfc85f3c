/**
 * Recording receipts over REST: the signed-in advisor asks for a start or stop receipt and reads
 * back the ones the server holds for a recording; anyone may fetch the public key to check them.
 */
import {
  RECEIPT_PATHS,
  receiptRequestSchema,
  recordingIdSchema,
} from '../../shared/protocol/recording-receipts.ts';
import { requireUser } from '../auth/bearer.ts';
import type { TokenService } from '../auth/tokens.ts';
import { HttpError } from '../http/json.ts';
import { Reply, parseBody, type Router } from '../http/router.ts';
import type { AccountStore } from '../storage/store.ts';
import type { ReceiptSigner } from './receipt-key.ts';
import type { Receipts } from './receipts.ts';

export interface ReceiptRouteDeps {
  store: AccountStore;
  tokens: TokenService;
  receipts: Receipts;
  signer: ReceiptSigner;
}

export function registerReceiptRoutes(router: Router, deps: ReceiptRouteDeps): void {
  const { store, tokens, receipts } = deps;

  router.post(RECEIPT_PATHS.receipts, async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    const request = await parseBody(ctx, receiptRequestSchema);
    return new Reply(201, await receipts.issue(user.id, request));
  });

  router.get(`${RECEIPT_PATHS.receipts}/:id`, async (ctx) => {
    const user = await requireUser(ctx, tokens, store);
    const id = recordingIdSchema.safeParse(ctx.param);
    if (!id.success) throw new HttpError(400, 'invalid-id', 'That is not a recording id.');
    return { receipts: await receipts.list(user.id, id.data) };
  });

  // No sign-in: whoever checks a recording (a compliance officer, an archive) needs the key.
  router.get(RECEIPT_PATHS.key, () => Promise.resolve(deps.signer.publicKey));
}
