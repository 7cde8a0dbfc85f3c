/**
 * The guest page as the real server serves it: the page for any link, its assets by name only,
 * strict headers on both, 404 for anything else (traversal included), 503 with a sentence when
 * the page was never built, and the link's token in no log line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { connectGuest, knock, makeGuestLink } from '../testing/guests.ts';
import { fakeSdp, startHarness, type Harness } from '../testing/harness.ts';
import { GUEST_PAGE_CSP, NOT_INSTALLED } from './guest-page.ts';
import { loggablePath } from './router.ts';

const INDEX =
  '<!doctype html><title>Join</title><script type="module" src="/join/assets/app-1a2b.js"></script>';
let dir: string;
let h: Harness;
const lines: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rr-guest-page-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("guest")');
  writeFileSync(join(dir, 'assets', 'app-1a2b.css'), 'body{}');
  writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(dir, 'assets', 'notes.txt'), 'not served');
  writeFileSync(join(dir, 'secret.txt'), 'outside assets');
  h = await startHarness({ guestPageDir: dir }, { log: createLogger((line) => lines.push(line)) });
  await h.addUser('alice', ['Team']);
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw GET: the path goes out exactly as written (fetch would normalise `..`). */
function get(url: string, path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(`${url}${path}`, { method, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const strict = {
  'content-security-policy': GUEST_PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'permissions-policy': 'camera=(self), microphone=(self), display-capture=()',
};

describe('the guest page', () => {
  it('serves the page for any link with strict headers and no caching', async () => {
    const link = await makeGuestLink(h, (await h.login('alice')).accessToken);
    const res = await get(h.url, `/join/${link.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers).toMatchObject({
      ...strict,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(GUEST_PAGE_CSP).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
        "media-src 'self' blob: mediastream:; connect-src 'self'; font-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    // Any single segment is a link as far as the page goes (the knock tells the rest).
    expect((await get(h.url, '/join/not-a-real-token?x=1')).status).toBe(200);
    const head = await get(h.url, '/join/abc', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves assets by name with their content type, cacheable, and the same strict headers', async () => {
    const js = await get(h.url, '/join/assets/app-1a2b.js');
    expect(js).toMatchObject({ status: 200, body: 'console.log("guest")' });
    expect(js.headers).toMatchObject({
      ...strict,
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect((await get(h.url, '/join/assets/app-1a2b.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await get(h.url, '/join/assets/logo.svg')).headers['content-type']).toBe(
      'image/svg+xml',
    );
  });

  it('answers 404 to traversal, nested paths, unknown types and missing files', async () => {
    const paths = [
      '/join/assets/../secret.txt',
      '/join/assets/../../package.json',
      '/join/assets/..%2fsecret.txt',
      '/join/assets/%2e%2e/secret.txt',
      '/join/assets/sub/app-1a2b.js',
      '/join/assets/notes.txt',
      '/join/assets/missing.js',
      '/join/assets/',
      '/join/assets/..',
      '/join/assets/.hidden.js',
      '/join/a/b',
      '/join/',
      '/join/..%2f..%2fetc%2fpasswd/x',
    ];
    for (const path of paths) {
      const res = await get(h.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('outside assets');
      expect(res.headers['content-security-policy'], path).toBe(GUEST_PAGE_CSP);
    }
    expect((await get(h.url, '/join/abc', 'POST')).status).toBe(405);
  });

  it('says in a sentence that it is not installed when the page was never built (503), and logs it', async () => {
    const unbuilt = await startHarness(
      { guestPageDir: join(dir, 'no-such-build') },
      { log: createLogger((line) => lines.push(line)) },
    );
    const res = await get(unbuilt.url, '/join/some-token-value');
    expect(res.status).toBe(503);
    expect(res.body).toBe(NOT_INSTALLED);
    expect(NOT_INSTALLED).toBe('The guest page is not installed on this server.');
    expect(res.headers).toMatchObject({ ...strict, 'content-type': 'text/plain; charset=utf-8' });
    expect(lines.some((line) => line.includes('"event":"guest-page.missing"'))).toBe(true);
    await unbuilt.close();
  });

  it('never writes a link token to the log: page, knock, sockets and refusals', async () => {
    const tokenFree = await makeGuestLink(h, (await h.login('alice')).accessToken);
    await get(h.url, `/join/${tokenFree.token}`);
    await get(h.url, `/join/${tokenFree.token}/extra`);
    const knocked = await knock(h, tokenFree.token, 'Pat');
    await h.post('/api/guest/knock', { token: `${tokenFree.token.slice(0, 42)}A`, name: 'Pat' });
    const alice = await h.connect('alice');
    const guest = await connectGuest(h, knocked);
    await alice.next('guest-waiting');
    await alice.send('guest-deny', { guestId: guest.userId });
    await guest.next('guest-refused');
    await connectGuest(h, knocked);
    await alice.send('call-offer', { to: guest.userId, offer: fakeSdp('offer') });
    expect(lines.some((line) => line.includes('"event":"guest.refused"'))).toBe(true);
    expect(loggablePath(`/join/${tokenFree.token}`)).toBe('/join/…');
    expect(loggablePath('/api/me')).toBe('/api/me');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(tokenFree.token);
      expect(line).not.toContain(knocked.guestToken);
    }
  });
});
