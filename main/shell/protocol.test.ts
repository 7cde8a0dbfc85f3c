import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../testing/electron-mock.ts'));

import { electronMock, protocol, resetElectronMock } from '../testing/electron-mock.ts';
import {
  APP_ORIGIN,
  CSP,
  createAppRequestHandler,
  registerAppScheme,
  resolveAppPath,
  serveAppProtocol,
} from './protocol.ts';

// Made at load: the it.each tables below name paths inside it.
const parent = mkdtempSync(join(tmpdir(), 'rr-protocol-'));
const root = join(parent, 'renderer');
const handle = createAppRequestHandler(root);

const get = (url: string, init?: RequestInit) => handle(new Request(url, init));

beforeAll(() => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, 'empty-dir'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Advisor</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(join(root, 'assets', 'a b.png'), 'png');
  writeFileSync(join(root, 'assets', 'blob.bin'), 'bin');
  writeFileSync(join(parent, 'package.json'), '{"secret":true}');
  writeFileSync(join(parent, 'secret.txt'), 'secret');
  symlinkSync(join(parent, 'secret.txt'), join(root, 'escape.txt'));
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'inside.js'));
});

afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

beforeEach(() => {
  resetElectronMock();
});

describe('app:// scheme', () => {
  it('is registered standard, secure, fetch and stream, never bypassing CSP', () => {
    registerAppScheme(protocol);
    expect(electronMock.privilegedSchemes).toStrictEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
      },
    ]);
    expect(electronMock.privilegedSchemes[0]!.privileges?.bypassCSP).toBeUndefined();
  });

  it('registers a handler for app that serves the folder', async () => {
    serveAppProtocol(protocol, root);
    const handler = electronMock.protocolHandlers.get('app');
    expect(handler).toBeTypeOf('function');
    const response = await handler!(new Request('app://advisor/index.html'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Advisor</title>');
  });

  it('exports the origin', () => {
    expect(APP_ORIGIN).toBe('app://advisor');
  });
});

describe('CSP', () => {
  it('is the strict policy', () => {
    expect(CSP).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(CSP).not.toContain('unsafe-eval');
    const directives = new Map(
      CSP.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toStrictEqual(["'self'"]);
    expect(directives.get('object-src')).toStrictEqual(["'none'"]);
  });

  it('is sent with HTML, for / and /index.html', async () => {
    for (const url of ['app://advisor/', 'app://advisor/index.html', 'app://advisor']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CSP);
    }
  });
});

describe('serving files', () => {
  it.each([
    ['app://advisor/assets/app.js', 'text/javascript; charset=utf-8'],
    ['app://advisor/assets/app.css', 'text/css; charset=utf-8'],
    ['app://advisor/assets/logo.svg', 'image/svg+xml'],
    ['app://advisor/assets/a%20b.png', 'image/png'],
    ['app://advisor/assets/blob.bin', 'application/octet-stream'],
    ['app://advisor/inside.js', 'text/javascript; charset=utf-8'],
    ['app://advisor/assets/app.js?v=1#x', 'text/javascript; charset=utf-8'],
  ])('%s is served as %s, without CSP, nosniff', async (url, type) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it.each([
    'app://advisor/../package.json',
    'app://advisor/%2e%2e/package.json',
    'app://advisor/%2e%2e/secret.txt',
    'app://advisor/..%2fsecret.txt',
    'app://advisor/..%5csecret.txt',
    'app://advisor/assets/..%2f..%2fsecret.txt',
    'app://advisor/..\\secret.txt',
    'app://advisor/assets\\..\\..\\secret.txt',
    `app://advisor/${encodeURIComponent(join(parent, 'secret.txt'))}`,
    `app://advisor/${join(parent, 'secret.txt')}`,
    'app://advisor//etc/passwd',
    'app://advisor/C:/Windows/win.ini',
    'app://advisor/escape.txt',
    'app://advisor/empty-dir',
    'app://advisor/missing.js',
    'app://advisor/index.html%00.js',
    'app://advisor/%E0%A4%A',
    'app://elsewhere/index.html',
  ])('%s is 404', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain('secret');
    expect(body).not.toContain('root:');
  });

  it('answers only GET', async () => {
    const response = await get('app://advisor/index.html', { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});

describe('resolveAppPath (pure)', () => {
  it.each([
    ['/', 'index.html'],
    ['', null],
    ['/index.html', 'index.html'],
    ['/assets/app.js', 'assets/app.js'],
    ['/./assets//app.js', 'assets/app.js'],
    ['/a%20b.png', 'a b.png'],
    ['/../package.json', null],
    ['/%2e%2e/secret', null],
    ['/%2E%2E/secret', null],
    ['/assets/../../secret', null],
    ['/..%2fsecret', null],
    ['/%2fetc%2fpasswd', null],
    ['/a\\..\\b', null],
    ['/%5c..%5csecret', null],
    ['/C:/Windows', null],
    ['/x%00.js', null],
    ['/%zz', null],
    ['etc/passwd', null],
  ])('%s → %s', (pathname, expected) => {
    expect(resolveAppPath(pathname)).toBe(expected);
  });
});
