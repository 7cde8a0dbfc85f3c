/**
 * Raising the scrypt cost leaves no one locked out: a hash made at the old cost still signs its
 * advisor in, and that sign-in stores a new hash at the current cost. Real server at production
 * cost, real SQLite.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, type Harness } from '../testing/harness.ts';
import { PASSWORD_COST, verifyPassword } from './passwords.ts';

/** Made by the previous passwords.ts (N=2^15, r=8, p=1) for the harness's PASSWORD. */
const LEGACY_HASH =
  'scrypt$32768$8$1$N_VziuogjwQLB9t81Sz87w$lb_vbq-x4wQZ67uERBpAahj1dMobGBVIwRNbpgIv8o0';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({}, { passwordCost: PASSWORD_COST });
  await h.addUser('alice', ['Team']);
  await h.store.setPasswordHash('alice', LEGACY_HASH);
});
afterEach(async () => {
  await h.close();
});

const storedHash = async () => (await h.store.userByUsername('alice'))?.passwordHash ?? '';

describe('hashes made at an older cost', () => {
  it('still sign in, and are re-hashed at N=2^17 by that sign-in', async () => {
    await h.login('alice');
    const upgraded = await storedHash();
    expect(upgraded).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, upgraded)).toBe(true);
    // The next sign-in verifies the new hash and leaves it alone.
    await h.login('alice');
    expect(await storedHash()).toBe(upgraded);
  });

  it('are not touched by a wrong password or a disabled account', async () => {
    expect((await h.post('/api/auth/login', { username: 'alice', password: 'nope' })).status).toBe(
      401,
    );
    expect(await storedHash()).toBe(LEGACY_HASH);
    await h.store.setDisabled('alice', true);
    expect(
      (await h.post('/api/auth/login', { username: 'alice', password: PASSWORD })).status,
    ).toBe(403);
    expect(await storedHash()).toBe(LEGACY_HASH);
  });
});
