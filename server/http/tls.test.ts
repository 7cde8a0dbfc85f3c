/**
 * HTTPS refuses TLS below 1.2, even when the operator's Node allows it for everything else
 * (`NODE_OPTIONS=--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0`, which makes an unpinned
 * server accept TLS 1.1). The real CLI as its own process, a self-signed certificate made with
 * the `openssl` CLI, and node:tls clients of each version.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.ts';
import { startServerProcess, type ServerProcess } from '../testing/server-process.ts';

const CLI = new URL('../cli.ts', import.meta.url).pathname;

let dir: string;
let server: ServerProcess;
beforeAll(async () => {
  dir = tempDir('rr-tls-');
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ].concat(['-keyout', keyFile, '-out', certFile]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  server = await startServerProcess(
    CLI,
    ['--port', '0', '--host', '127.0.0.1', '--data', join(dir, 'data')].concat([
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
      '--quiet',
    ]),
    { NODE_OPTIONS: '--tls-min-v1.0 --tls-cipher-list=DEFAULT@SECLEVEL=0' },
  );
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A handshake at exactly `version`; resolves the protocol agreed, or the error's code. */
function handshake(version: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: server.port,
      minVersion: version,
      maxVersion: version,
      // The client itself would refuse TLS 1.1 at OpenSSL's default security level.
      ciphers: 'DEFAULT@SECLEVEL=0',
      // Self-signed: this test is about the protocol version, not the chain.
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? error.message);
    });
  });
}

describe('HTTPS', () => {
  it('refuses a TLS 1.1 client', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await handshake('TLSv1.1')).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('accepts TLS 1.2 and 1.3 clients', async () => {
    expect(await handshake('TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake('TLSv1.3')).toBe('TLSv1.3');
  });

  it('does not warn about plain HTTP', () => {
    expect(server.output()).not.toContain('server.plain-http');
  });
});
