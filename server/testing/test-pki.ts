/**
 * A firm's private certificate authority for tests, made with the `openssl` CLI: a CA and a
 * server certificate it signed for 127.0.0.1 (and localhost), as IT would issue for an internal
 * server or a TURN relay. Synchronous, so a spec can make it before its browser starts (Chromium
 * learns the server key's SPKI hash from a launch flag).
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** The CA certificate (PEM): what IT installs in every computer's trust store. */
  caCert: string;
  /** Server certificate and key files, for the server's --tls-cert/--tls-key or coturn. */
  certFile: string;
  keyFile: string;
  /** base64 SHA-256 of the server key's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
  serverSpki: string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(name = 'RichesReach Test Firm'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'rr-pki-'));
  const days = ['-days', '2'];
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      ...days,
      '-subj',
      `/CN=${name} Root CA`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      ...days,
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const certFile = join(dir, 'server.pem');
  const spki = new X509Certificate(readFileSync(certFile)).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return {
    caCert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certFile,
    keyFile: join(dir, 'server.key'),
    serverSpki: createHash('sha256').update(spki).digest('base64'),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
