/**
 * The hash chain over a recording's chunks, built as they are written, so any prefix of the file
 * can be checked on its own (a crash leaves a verifiable beginning) and no chunk can be changed,
 * dropped, reordered or re-cut without changing the head:
 *
 *   h(-1) = SHA-256("RichesReach Advisor recording chain v1")
 *   h(i)  = SHA-256( h(i-1) ‖ SHA-256(chunk i) ‖ uint64be(i) ‖ uint64be(length of chunk i) )
 *
 * with i counted from 0 and every hash taken as its 32 raw bytes. The manifest keeps each chunk's
 * [length, SHA-256] and the head; the file's own SHA-256 is kept beside them.
 */
import { createHash } from 'node:crypto';

export const CHAIN_ALGORITHM = 'sha256-chain-v1';

export const sha256Hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** h(-1): an empty recording still has a defined head. */
export const CHAIN_SEED = sha256Hex('RichesReach Advisor recording chain v1');

/** One chunk as the manifest keeps it: [length in bytes, SHA-256 of its bytes (hex)]. */
export type ChainEntry = [length: number, sha256: string];

export function chainLink(
  previous: string,
  chunkSha256: string,
  index: number,
  length: number,
): string {
  const counters = Buffer.alloc(16);
  counters.writeBigUInt64BE(BigInt(index), 0);
  counters.writeBigUInt64BE(BigInt(length), 8);
  return createHash('sha256')
    .update(Buffer.from(previous, 'hex'))
    .update(Buffer.from(chunkSha256, 'hex'))
    .update(counters)
    .digest('hex');
}

/** The head the entries lead to. */
export function chainHead(entries: readonly ChainEntry[]): string {
  let head = CHAIN_SEED;
  entries.forEach(([length, sha256], index) => {
    head = chainLink(head, sha256, index, length);
  });
  return head;
}

export interface ChainLinkRecord {
  index: number;
  length: number;
  sha256: string;
  /** h(index). */
  link: string;
}

export interface Chain {
  /** Adds the next chunk (exactly the bytes that reached the file). */
  add(chunk: Uint8Array): ChainLinkRecord;
  head(): string;
  entries(): ChainEntry[];
}

export function createChain(): Chain {
  const entries: ChainEntry[] = [];
  let head = CHAIN_SEED;
  return {
    add(chunk) {
      const index = entries.length;
      const sha256 = sha256Hex(chunk);
      head = chainLink(head, sha256, index, chunk.byteLength);
      entries.push([chunk.byteLength, sha256]);
      return { index, length: chunk.byteLength, sha256, link: head };
    },
    head: () => head,
    entries: () => entries.map(([length, sha256]): ChainEntry => [length, sha256]),
  };
}
