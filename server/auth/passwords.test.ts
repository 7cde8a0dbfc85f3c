/**
 * Password hashes: made at OWASP's minimum scrypt cost, recording their parameters; hashes made
 * before that (N=2^15, by the code this replaced) still verify and are flagged for re-hashing.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD_COST, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

/** Made by the previous passwords.ts (N=2^15, r=8, p=1) for 'correct horse battery'. */
const LEGACY_HASH =
  'scrypt$32768$8$1$N_VziuogjwQLB9t81Sz87w$lb_vbq-x4wQZ67uERBpAahj1dMobGBVIwRNbpgIv8o0';

describe('password hashes', () => {
  it('are made at N=2^17, r=8, p=1 by default, and verify', async () => {
    expect(PASSWORD_COST).toEqual({ N: 131_072, r: 8, p: 1 });
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('made at the old cost still verify, and need re-hashing', async () => {
    expect(await verifyPassword('correct horse battery', LEGACY_HASH)).toBe(true);
    expect(await verifyPassword('wrong horse battery', LEGACY_HASH)).toBe(false);
    expect(needsRehash(LEGACY_HASH)).toBe(true);
  });

  it('are made at a lower cost only when asked, and then differ from the default', async () => {
    const cheap = await hashPassword('pw', { N: 2 ** 10, r: 8, p: 1 });
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('pw', cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(cheap, { N: 2 ** 10, r: 8, p: 1 })).toBe(false);
  });

  it('refuses malformed hashes and parameters a corrupt row could use to exhaust memory', async () => {
    const [, , , , salt = '', hash = ''] = LEGACY_HASH.split('$');
    for (const stored of [
      '',
      'bcrypt$2b$10$abc',
      `scrypt$32768$8$1$${salt}`,
      `scrypt$32768$8$1$${salt}$${hash}$extra`,
      `scrypt$30000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // 16 GiB of scratch memory
      `scrypt$32768$0$1$${salt}$${hash}`,
      `scrypt$32768$8$999$${salt}$${hash}`,
    ]) {
      expect(await verifyPassword('correct horse battery', stored)).toBe(false);
    }
  });
});
