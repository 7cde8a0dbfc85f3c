/**
 * The log promises no tokens, passwords or SDP: callers pass only ids, names and counts, and
 * `redact` drops any field whose name looks sensitive. Checked on the logger itself, and on the
 * real stdout of the real CLI through a sign-in, a refresh, a failed sign-in and a whole call.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from './auth/passwords.ts';
import { createLogger } from './log.ts';
import { connectAt } from './testing/cluster-nodes.ts';
import { tempDir } from './testing/harness.ts';
import { startCli, type ServerProcess } from './testing/server-process.ts';
import { openSqliteStore } from './storage/sqlite-store.ts';

describe('the logger', () => {
  it('drops every field named like a token, password, secret, SDP or credential', () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    log('x', {
      accessToken: 'T1',
      refreshToken: 'T2',
      password: 'P',
      newPassword: 'P2',
      sdp: 'v=0',
      offer: 'O',
      answer: 'A',
      candidate: 'C',
      Authorization: 'Bearer T3',
      turnCredential: 'TC',
      secret: 'S',
      userId: 'u1',
      callId: 'c1',
      count: 2,
    });
    expect(lines).toHaveLength(1);
    const { t, ...fields } = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(typeof t).toBe('string');
    expect(fields).toEqual({ event: 'x', userId: 'u1', callId: 'c1', count: 2 });
    expect(lines[0]).toMatch(/\n$/);
  });
});

const PASSWORD = 'Log-Test-Pw-7f3a9c';
const WRONG_PASSWORD = 'Wrong-Pw-but-Secret-51bd';
const SDP_LINE =
  'a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB';
const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${SDP_LINE}\r\n`;
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 198.51.100.7 61665 typ srflx';

let dataDir: string;
let server: ServerProcess | undefined;

async function seedTwoAdvisors(): Promise<void> {
  const store = openSqliteStore(dataDir);
  const passwordHash = await hashPassword(PASSWORD);
  await store.createCircle('Team');
  for (const username of ['avery', 'blake']) {
    await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
    await store.addMember('Team', username);
  }
  await store.close();
}

const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the real log of a real sign-in and call', () => {
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds the events, and no token, password, SDP line, candidate or signing key', async () => {
    dataDir = tempDir('rr-log-');
    await seedTwoAdvisors();
    server = await startCli(['--data', dataDir]);
    const { url } = server;
    const secrets: string[] = [
      PASSWORD,
      WRONG_PASSWORD,
      SDP_LINE,
      CANDIDATE,
      '4611731400430051336',
    ];

    const avery = await connectAt(url, 'avery', {}, PASSWORD);
    const blake = await connectAt(url, 'blake', {}, PASSWORD);
    secrets.push(avery.tokens.accessToken, avery.tokens.refreshToken, blake.tokens.accessToken);
    const offer = await avery.send('call-offer', {
      offer: { type: 'offer', sdp: SDP },
      to: blake.userId,
    });
    expect(offer).toMatchObject({ ok: true });
    await blake.next('call-offer');
    await blake.send('call-answer', { answer: { type: 'answer', sdp: SDP }, to: avery.userId });
    await avery.next('call-answer');
    await avery.send('ice-candidate', {
      candidate: { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
      to: blake.userId,
    });
    await blake.next('ice-candidate');
    await avery.send('end-call', { to: blake.userId });
    await blake.next('end-call');

    const refreshed = await post(url, '/api/auth/refresh', {
      refreshToken: blake.tokens.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    secrets.push(
      blake.tokens.refreshToken,
      String(refreshed.body.accessToken),
      String(refreshed.body.refreshToken),
    );
    // The used refresh token again (reuse), and a wrong password: both refused, both logged.
    expect(
      (await post(url, '/api/auth/refresh', { refreshToken: blake.tokens.refreshToken })).status,
    ).toBe(401);
    expect(
      (await post(url, '/api/auth/login', { username: 'avery', password: WRONG_PASSWORD })).status,
    ).toBe(401);
    avery.socket.disconnect();
    blake.socket.disconnect();
    await server.stop();

    // The token signing key and the receipt key, as the database holds them.
    const keyStore = openSqliteStore(dataDir);
    const [access] = await keyStore.serverKeys('access');
    const [receipt] = await keyStore.serverKeys('receipt');
    await keyStore.close();
    const keyBytes = Buffer.from(access?.material ?? '', 'base64url');
    expect(keyBytes.length).toBe(32);
    secrets.push(access!.material, keyBytes.toString('hex'), keyBytes.toString('base64'));
    secrets.push(...(receipt?.material.split('\n').filter((line) => line.length > 40) ?? []));

    const output = server.output();
    const events = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { event: string }).event);
    // The log was really captured: every step above left its line.
    expect(events).toEqual(
      expect.arrayContaining([
        'auth.login',
        'socket.connect',
        'call.ring',
        'call.answer',
        'call.end',
        'auth.refresh',
        'auth.refresh-refused',
        'auth.login-failed',
        'socket.disconnect',
      ]),
    );
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/v=0\\r\\n|a=fingerprint|typ srflx/);
  });
});
