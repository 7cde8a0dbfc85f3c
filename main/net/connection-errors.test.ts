/**
 * Real TLS failures from Node (a loopback HTTPS server whose certificate comes from a private CA
 * made with openssl), and Chromium's failures as Electron's net module reports them (an Error whose
 * message is the net::ERR_* name: they cannot be produced without the Electron binary).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { makeTestPki, type TestPki } from '../../server/testing/test-pki.ts';
import {
  describeConnectionFailure,
  EXPIRED_CERTIFICATE,
  PROXY_SIGN_IN_NEEDED,
  PROXY_UNREACHABLE,
  UNTRUSTED_CERTIFICATE,
  WRONG_NAME_CERTIFICATE,
} from './connection-errors.ts';

let pki: TestPki;
let server: Server;

async function failureOf(url: string, ca?: string): Promise<unknown> {
  const dispatcher = new Agent({ connect: ca ? { ca } : {} });
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- npm undici's class; Node's types name undici-types' twin
    await fetch(url, { dispatcher });
  } catch (error) {
    return error;
  } finally {
    await dispatcher.close();
  }
  throw new Error(`${url} answered`);
}

beforeAll(async () => {
  pki = makeTestPki();
  server = createServer(
    { cert: readFileSync(pki.certFile), key: readFileSync(pki.keyFile) },
    (_req, res) => res.end('ok'),
  );
  // 127.0.0.2 is loopback too, but not a name the certificate was issued for.
  server.listen(0, '127.0.0.2');
  await once(server, 'listening');
});
afterAll(() => {
  server.close();
  pki.remove();
});

const url = () => `https://127.0.0.2:${(server.address() as AddressInfo).port}/`;

describe('describeConnectionFailure', () => {
  it("names a certificate from a CA this computer does not trust (Node's real error)", async () => {
    const error = await failureOf(url());
    expect(describeConnectionFailure(error)).toBe(UNTRUSTED_CERTIFICATE);
    expect(UNTRUSTED_CERTIFICATE).toBe(
      "The server's certificate is not trusted by this computer. Ask your IT team to install your firm's certificate authority.",
    );
  });

  it('names a trusted certificate issued for another address', async () => {
    const error = await failureOf(url(), pki.caCert);
    expect(describeConnectionFailure(error)).toBe(WRONG_NAME_CERTIFICATE);
  });

  it.each([
    ['net::ERR_CERT_AUTHORITY_INVALID', UNTRUSTED_CERTIFICATE],
    ['net::ERR_CERT_DATE_INVALID', EXPIRED_CERTIFICATE],
    ['net::ERR_CERT_COMMON_NAME_INVALID', WRONG_NAME_CERTIFICATE],
    ['net::ERR_PROXY_CONNECTION_FAILED', PROXY_UNREACHABLE],
    ['net::ERR_TUNNEL_CONNECTION_FAILED', PROXY_UNREACHABLE],
    ['net::ERR_PROXY_AUTH_UNSUPPORTED', PROXY_SIGN_IN_NEEDED],
  ])("Chromium's %s", (name, sentence) => {
    expect(describeConnectionFailure(new Error(name))).toBe(sentence);
  });

  it('finds the code however deep the cause chain puts it (socket.io wraps ws wraps TLS)', () => {
    const tls = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    const transportError = Object.assign(new Error('websocket error'), {
      description: { message: tls.message, error: tls },
    });
    expect(describeConnectionFailure(transportError)).toBe(UNTRUSTED_CERTIFICATE);
    expect(describeConnectionFailure(new Error('Unexpected server response: 407'))).toBe(
      PROXY_SIGN_IN_NEEDED,
    );
  });

  it('leaves plain unreachability to the caller', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    });
    expect(describeConnectionFailure(refused)).toBeNull();
    expect(describeConnectionFailure(new Error('net::ERR_CONNECTION_REFUSED'))).toBeNull();
    expect(describeConnectionFailure('weird')).toBeNull();
    expect(describeConnectionFailure(null)).toBeNull();
  });
});
