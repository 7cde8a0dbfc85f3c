/**
 * Token signing keys by id: every access and guest token names its key in `kid`; `npm run admin
 * -- keys rotate` (the real CLI, on the harness's database) makes a new current key, a node that
 * sees a token signed with it takes it up at once (and signs with it from then on), and tokens
 * signed with the key it replaced stay accepted. Real server, real database.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knock, makeGuestLink } from '../testing/guests.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { AUDIENCE, ISSUER } from './tokens.ts';

const run = promisify(execFile);
let h: Harness;
let aliceId: string;
beforeEach(async () => {
  h = await startHarness();
  aliceId = await h.addUser('alice', ['Team']);
});
afterEach(async () => {
  await h.close();
});

const admin = async (...args: string[]) =>
  (await run(process.execPath, ['server/admin/cli.ts', ...h.database.args, ...args])).stdout;
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const me = async (token: string) => (await h.get('/api/me', token)).status;

describe('token signing keys', () => {
  it('name their key in every access and guest token', async () => {
    const { accessToken } = await h.login('alice');
    expect(kidOf(accessToken)).toBe(h.signingKeyId);
    const link = await makeGuestLink(h, accessToken);
    const { guestToken } = await knock(h, link.token, 'Dana Client');
    expect(kidOf(guestToken)).toBe(h.signingKeyId);
  });

  it('rotate: the new key signs, the replaced one stays accepted, and it is all recorded', async () => {
    const before = await h.login('alice');
    const rotated = await admin('keys', 'rotate');
    const newKid = /New token signing key (\S+):/.exec(rotated)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(h.signingKeyId);
    expect(rotated).toMatch(new RegExp(`Key ${h.signingKeyId} is still accepted until \\S+Z\\.`));
    const listed = await admin('keys', 'list');
    expect(listed).toMatch(new RegExp(`^${newKid}  made \\S+  current: signs new tokens$`, 'm'));
    expect(listed).toMatch(
      new RegExp(`^${h.signingKeyId}  made \\S+  replaced: accepted until`, 'm'),
    );

    // A token signed with the new key, as a node that took it up already signs: this node has
    // not reloaded yet, and accepts it all the same.
    const [current] = await h.store.serverKeys('access');
    expect(current?.kid).toBe(newKid);
    const fromOtherNode = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: newKid! })
      .setSubject(aliceId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(Buffer.from(current!.material, 'base64url'));
    expect(await me(fromOtherNode)).toBe(200);
    // Having seen it, this node signs with the new key too; the old key's token still works.
    const after = await h.login('alice');
    expect(kidOf(after.accessToken)).toBe(newKid);
    expect(await me(before.accessToken)).toBe(200);
    expect(await me(after.accessToken)).toBe(200);
    // Refresh tokens are not signed: the session signed in before the rotation goes on.
    expect((await h.post('/api/auth/refresh', { refreshToken: before.refreshToken })).status).toBe(
      200,
    );

    const records = await h.audit.store.page({ afterSeq: 0, limit: 100 });
    expect(records.find((r) => r.type === 'admin.key-rotated')).toMatchObject({
      actor: 'admin-cli',
      fields: { kid: newKid, replacedKid: h.signingKeyId },
    });
  });
});
