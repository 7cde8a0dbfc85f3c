/**
 * app:copy-diagnostics through the real router, with IT's policy read from a real file, main's
 * log in a real temp folder and Electron's clipboard (the shared mock) receiving the report.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { clipboard } from 'electron';
import type { ConnectionState } from '../../shared/bridge/contract.ts';
import { electronClipboardWriter, type WriteClipboard } from '../clipboard/register-clipboard.ts';
import { createRouter } from '../ipc/router.ts';
import { createLogFile } from '../log/log-file.ts';
import { createMainLog, type MainLog } from '../log/main-log.ts';
import { loadPolicy } from '../settings/policy.ts';
import { electronMock, resetElectronMock } from '../testing/electron-mock.ts';
import { createDiagnostics, registerDiagnostics } from './register-diagnostics.ts';

const TRUSTED = { url: 'app://advisor/index.html', isMainFrame: true };
const TOKEN = `eyJhbGciOiJFUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
const TURN_PASSWORD = `turn-${randomBytes(12).toString('hex')}`;

let dir: string;
let mainLog: MainLog;
beforeEach(() => {
  resetElectronMock();
  dir = mkdtempSync(join(tmpdir(), 'rr-diagnostics-'));
  mainLog = createMainLog({
    file: createLogFile({ dir: join(dir, 'logs') }),
    console: () => undefined,
  });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup(write: WriteClipboard = electronClipboardWriter(clipboard)) {
  const policyFile = join(dir, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      autoUpdate: false,
      iceServers: [
        { urls: 'turn:turn.example.com:3478', username: 'it', credential: TURN_PASSWORD },
      ],
    }),
  );
  const connection: ConnectionState = { status: 'online', attempt: 0, message: null };
  const diagnostics = createDiagnostics({
    appVersion: '2.0.1',
    packaged: true,
    runtime: { electron: '45.4.1', chrome: '142.0.0.0', node: '22.20.0' },
    policyFile,
    policy: loadPolicy(policyFile),
    serverUrl: () => 'https://advisor.example.com/api',
    connection: () => connection,
    log: mainLog,
    writeClipboard: write,
  });
  const router = createRouter({ trustedOrigin: 'app://advisor' });
  registerDiagnostics(router, diagnostics);
  return (sender = TRUSTED, args: unknown[] = []) =>
    router.invoke(sender, 'app:copy-diagnostics', args);
}

describe('app:copy-diagnostics', () => {
  it('puts the report on the clipboard, with the latest errors from the log and no secret', async () => {
    mainLog.log('signaling.connect-error', { message: `rejected ${TOKEN}`, token: TOKEN });
    mainLog.log('session.refreshed');
    const copy = setup();
    expect(await copy()).toStrictEqual({ ok: true, value: null });
    expect(electronMock.clipboardTexts).toHaveLength(1);
    const text = electronMock.clipboardTexts[0]!;
    expect(text).toContain('App version: 2.0.1\n');
    expect(text).toContain('Electron: 45.4.1');
    expect(text).toContain(`OS: ${process.platform} `);
    expect(text).toContain('  autoUpdate: false');
    expect(text).toContain('Server: https://advisor.example.com\n');
    expect(text).toContain('Signaling: online');
    expect(text).toContain(`Log file: ${join(dir, 'logs', 'main.log')}`);
    expect(text).toMatch(
      /Recent errors \(last 1\):\n {2}\S+ signaling\.connect-error message="rejected \[redacted\]" token=\[redacted\]/,
    );
    expect(text).not.toContain('session.refreshed');
    for (const secret of [TOKEN, TOKEN.split('.')[2]!, TURN_PASSWORD])
      expect(text).not.toContain(secret);
  });

  it('takes no arguments and answers only our own window, copying nothing otherwise', async () => {
    const copy = setup();
    expect(await copy(TRUSTED, ['please'])).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(await copy({ url: 'https://evil.example/', isMainFrame: true })).toMatchObject({
      ok: false,
      error: { code: 'bad-sender' },
    });
    expect(electronMock.clipboardTexts).toEqual([]);
  });

  it('says so in words when the clipboard refuses', async () => {
    const copy = setup(() => Promise.reject(new Error('clipboard busy')));
    expect(await copy()).toStrictEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'The diagnostics could not be put on the clipboard. Try again in a moment.',
      },
    });
  });
});
