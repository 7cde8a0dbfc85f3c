/**
 * The chain and the signed form are formats others will check independently (an archive, a
 * compliance tool): pinned here against their written definitions, byte for byte.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/protocol/canonical-json.ts';
import { CHAIN_SEED, chainHead, createChain } from './hash-chain.ts';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

describe('hash chain', () => {
  it('is h(i) = SHA-256(h(i-1) ‖ SHA-256(chunk) ‖ uint64be(i) ‖ uint64be(length)) from the named seed', () => {
    const chunks = [Buffer.from('first chunk'), Buffer.alloc(0), Buffer.from('third')];
    let head = sha(Buffer.from('RichesReach Advisor recording chain v1'));
    expect(CHAIN_SEED).toBe(head.toString('hex'));
    chunks.forEach((chunk, i) => {
      head = sha(head, sha(chunk), u64(i), u64(chunk.length));
    });

    const chain = createChain();
    const links = chunks.map((chunk) => chain.add(chunk));
    expect(chain.head()).toBe(head.toString('hex'));
    expect(links.at(-1)).toEqual({
      index: 2,
      length: 5,
      sha256: sha(chunks[2]!).toString('hex'),
      link: head.toString('hex'),
    });
    expect(chainHead(chain.entries())).toBe(head.toString('hex'));
    // Moving a byte between chunks keeps the file but not the chain.
    const recut = createChain();
    [Buffer.from('first chun'), Buffer.from('k'), Buffer.from('third')].forEach((c) =>
      recut.add(c),
    );
    expect(recut.head()).not.toBe(chain.head());
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, drops undefined, keeps a "__proto__" member', () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"x":1},"a":[{"d":2,"c":[3,1]}]}') as unknown;
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":[{"c":[3,1],"d":2}],"b":1}');
    expect(canonicalJson({ z: undefined, y: null })).toBe('{"y":null}');
  });
});
