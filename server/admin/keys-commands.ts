/**
 * `keys rotate` and `keys list`: the token signing keys in the database (server/auth/key-rotation.ts).
 * Rotating also makes the recording receipt key if the database has none (a database set up by a
 * node started with --require-shared-keys, say).
 */
import type { AuditFields } from '../audit/audit-record.ts';
import { describeTokenKeys, rotateTokenKey } from '../auth/key-rotation.ts';
import { newReceiptKey } from '../storage/new-keys.ts';
import type { AccountStore } from '../storage/store.ts';

export async function runKeysCommand(
  store: AccountStore,
  verb: string,
): Promise<{ message: string; rotated?: AuditFields }> {
  const now = Date.now();
  if (verb === 'list') {
    const lines = await describeTokenKeys(store, now);
    return { message: lines.length > 0 ? lines.join('\n') : 'No token signing keys yet.' };
  }
  const result = await rotateTokenKey(store, now);
  const lines = [`New token signing key ${result.kid}: every node signs with it within a minute.`];
  if (result.replaced) {
    const until = new Date(result.replaced.acceptedUntil).toISOString();
    lines.push(`Key ${result.replaced.kid} is still accepted until ${until}.`);
  }
  if (result.deleted.length > 0)
    lines.push(`Deleted keys no longer accepted: ${result.deleted.join(', ')}.`);
  if ((await store.serverKeys('receipt')).length === 0) {
    const receipt = newReceiptKey(now);
    await store.addServerKey(receipt);
    lines.push(`Made the recording receipt key ${receipt.kid}.`);
  }
  return {
    message: lines.join('\n'),
    rotated: {
      kid: result.kid,
      replacedKid: result.replaced?.kid ?? null,
      deleted: result.deleted,
    },
  };
}
