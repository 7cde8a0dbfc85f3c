/** Main's log: JSON lines in a real file, scrubbed, with recent errors read back. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogFile } from './log-file.ts';
import { createMainLog, levelOf } from './main-log.ts';
import { REDACTED, scrubText } from './scrub.ts';

let root: string;
let consoleLines: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rr-main-log-'));
  consoleLines = [];
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const JWT = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from('{"sub":"u_1","exp":9}').toString('base64url')}.${randomBytes(64).toString('base64url')}`;
const REFRESH = randomBytes(32).toString('base64url');
const SDP =
  'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-pwd:Zx81sd0plk3v\r\na=fingerprint:sha-256 AB:CD\r\n';

function setup() {
  const file = createLogFile({ dir: root });
  const main = createMainLog({
    file,
    console: (line, fields) => consoleLines.push(`${line} ${JSON.stringify(fields)}`),
    now: () => new Date('2030-01-02T03:04:05.000Z'),
  });
  return { main, file, text: () => readFileSync(file.path, 'utf8') };
}

describe('main log', () => {
  it('writes one JSON line per event, with time, level and the fields', () => {
    const { main, text } = setup();
    main.log('session.signed-in');
    main.log('signaling.connect-error', { message: 'xhr poll error', attempt: 2 });
    expect(
      text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { time: '2030-01-02T03:04:05.000Z', level: 'info', event: 'session.signed-in' },
      {
        time: '2030-01-02T03:04:05.000Z',
        level: 'error',
        event: 'signaling.connect-error',
        message: 'xhr poll error',
        attempt: 2,
      },
    ]);
    expect(consoleLines).toHaveLength(2);
  });

  it('scrubs a token field, and tokens, SDP and secrets hidden in other fields', () => {
    const { main, text } = setup();
    main.log('planted', {
      token: JWT,
      accessToken: JWT,
      refreshToken: REFRESH,
      password: 'hunter2-password',
      sdp: SDP,
      message: `request failed: Authorization: Bearer ${JWT}`,
      detail: `refresh ${REFRESH} refused`,
      url: `https://advisor.example.com/join/${REFRESH}?token=${REFRESH}`,
      proxy: 'http://me:hunter2-password@proxy.example.com:8080',
      blob: `remote description ${SDP}`,
      callId: 'call_0b6c7a52-2a7b-4c1e-9f1c-7d1e2a3b4c5d',
    });
    const written = text();
    const shown = consoleLines.join('\n');
    for (const secret of [
      JWT,
      JWT.split('.')[2]!,
      REFRESH,
      'hunter2-password',
      'a=fingerprint',
      'Zx81sd0plk3v',
    ]) {
      expect(written).not.toContain(secret);
      expect(shown).not.toContain(secret);
    }
    const entry = JSON.parse(written) as Record<string, unknown>;
    expect(entry).toMatchObject({
      token: REDACTED,
      accessToken: REDACTED,
      refreshToken: REDACTED,
      password: REDACTED,
      sdp: REDACTED,
      blob: REDACTED,
      message: `request failed: Authorization: Bearer ${REDACTED}`,
      detail: `refresh ${REDACTED} refused`,
      url: `https://advisor.example.com/join/${REDACTED}?token=${REDACTED}`,
      proxy: `http://${REDACTED}@proxy.example.com:8080`,
      // Ids are not secrets and stay readable.
      callId: 'call_0b6c7a52-2a7b-4c1e-9f1c-7d1e2a3b4c5d',
    });
  });

  it('keeps time, level and event its own', () => {
    const { main, text } = setup();
    main.log('session.refreshed', { level: 'error', event: 'x', time: 'y' });
    expect(JSON.parse(text())).toEqual({
      time: '2030-01-02T03:04:05.000Z',
      level: 'info',
      event: 'session.refreshed',
    });
  });

  it('reads back the last errors, across rotated files and earlier runs, oldest first', async () => {
    const size = 200;
    const first = createMainLog({
      file: createLogFile({ dir: root, maxBytes: size }),
      console: () => undefined,
    });
    first.log('update.check-failed', { error: 'net::ERR_NAME_NOT_RESOLVED' });
    first.log('session.signed-in');
    const second = createMainLog({
      file: createLogFile({ dir: root, maxBytes: size }),
      console: () => undefined,
    });
    second.log('signaling.connect-error', { message: 'timeout' });
    second.log('session.refreshed');
    second.log('ipc.internal-error', { channel: 'settings:set', error: 'TypeError' });
    const errors = await second.recentErrors(2);
    expect(errors.map((e) => e.event)).toEqual(['signaling.connect-error', 'ipc.internal-error']);
    expect((await second.recentErrors(10)).map((e) => e.event)).toEqual([
      'update.check-failed',
      'signaling.connect-error',
      'ipc.internal-error',
    ]);
  });

  it('ignores lines that are not its own JSON', async () => {
    writeFileSync(join(root, 'main.log'), 'garbage\n{"level":"error"}\n[1]\n');
    const { main } = setup();
    main.log('window.load-failed', { error: 'ERR_FAILED' });
    expect((await main.recentErrors(5)).map((e) => e.event)).toEqual(['window.load-failed']);
  });

  it('carries on without the file when it cannot be written, and says so once', () => {
    writeFileSync(join(root, 'not-a-folder'), '');
    const main = createMainLog({
      file: createLogFile({ dir: join(root, 'not-a-folder', 'logs') }),
      console: (line) => consoleLines.push(line),
    });
    main.log('session.signed-in');
    main.log('session.refreshed');
    expect(consoleLines).toEqual([
      '[advisor] session.signed-in',
      '[advisor] log.file-failed',
      '[advisor] session.refreshed',
    ]);
  });

  it('names failures as errors by their event names', () => {
    for (const event of [
      'update.error',
      'signaling.connect-error',
      'session.resume-failed',
      'window.renderer-gone',
      'window.reload-given-up',
      'update.feed-refused',
    ]) {
      expect(levelOf(event), event).toBe('error');
    }
    for (const event of ['session.signed-in', 'update.downloaded', 'ipc.event-dropped']) {
      expect(levelOf(event), event).toBe('info');
    }
  });

  it('scrubText leaves ordinary text alone', () => {
    const text =
      'connect ECONNREFUSED 127.0.0.1:3000 (sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)';
    expect(scrubText(text)).toBe(text);
  });
});
