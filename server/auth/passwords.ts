/**
 * Password hashing with scrypt (memory-hard), run off the event loop in libuv's pool. Each hash
 * records its own parameters (`scrypt$N$r$p$salt$hash`), so hashes made at an older cost still
 * verify and are made again at the current cost on the next sign-in (needsRehash).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt: N=2^17, r=8, p=1 (128 MiB and about 0.3 s per hash on a 2-core
 * server). Tests that hash many passwords pass a lower cost explicitly; production never does.
 */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

const KEY_BYTES = 32;

/** scrypt needs 128 * r * (N + p + 2) bytes; Node refuses above 32 MiB unless told more. */
const memoryFor = ({ N, r, p }: ScryptCost) => 128 * r * (N + p + 2) + 1024 * 1024;

/** Bounds for parameters read back from a stored hash: a corrupt row must not ask for gigabytes. */
const sane = ({ N, r, p }: ScryptCost) =>
  Number.isInteger(Math.log2(N)) &&
  N >= 2 ** 10 &&
  N <= 2 ** 20 &&
  Number.isInteger(r) &&
  r >= 1 &&
  r <= 32 &&
  Number.isInteger(p) &&
  p >= 1 &&
  p <= 16 &&
  128 * N * r <= 2 ** 30;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: memoryFor(cost) }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): StoredHash | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash || rest.length > 0) return undefined;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (!sane(cost)) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** Returns `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string, cost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  const parts = [cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')];
  return ['scrypt', ...parts].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when `stored` was made with other parameters than `cost`: hash it again at sign-in. */
export function needsRehash(stored: string, cost = PASSWORD_COST): boolean {
  const parsed = parse(stored)?.cost;
  return !parsed || parsed.N !== cost.N || parsed.r !== cost.r || parsed.p !== cost.p;
}

/**
 * A hash of nothing at `cost`, checked when the user does not exist so both paths take the same
 * time. Made on first use: scrypt's scratch memory is then not paid by servers that never need it.
 */
const dummies = new Map<string, Promise<string>>();
export function dummyHash(cost = PASSWORD_COST): Promise<string> {
  const id = `${cost.N}$${cost.r}$${cost.p}`;
  let dummy = dummies.get(id);
  if (!dummy) {
    dummy = hashPassword(randomBytes(12).toString('base64url'), cost);
    dummies.set(id, dummy);
  }
  return dummy;
}
