import { describe, expect, it } from 'vitest';
import { HTTPS_ONLY_MESSAGE, insecureServerUrl, isLoopbackHost } from './server-url-rule.ts';

const unpackaged = { allowLoopbackHttp: true };
const packaged = { allowLoopbackHttp: false };

describe('the https-only rule for server addresses', () => {
  it.each(['https://advisor.firm.example', 'https://127.0.0.1:3001', 'https://[::1]:3001'])(
    'accepts %s in any build',
    (url) => {
      expect(insecureServerUrl(url, packaged)).toBeNull();
      expect(insecureServerUrl(url, unpackaged)).toBeNull();
    },
  );

  it.each([
    'http://firm.example',
    'http://advisor.firm.example:8080/path',
    'http://10.0.0.5',
    'http://127.0.0.1.nip.io',
  ])('refuses %s with the reason, in any build', (url) => {
    expect(insecureServerUrl(url, unpackaged)).toBe(HTTPS_ONLY_MESSAGE);
    expect(insecureServerUrl(url, packaged)).toBe(HTTPS_ONLY_MESSAGE);
  });

  it.each([
    'http://127.0.0.1:3001',
    'http://127.8.9.10',
    'http://localhost:3001',
    'http://[::1]:3001',
    'http://LOCALHOST',
  ])('allows loopback %s only when unpackaged', (url) => {
    expect(insecureServerUrl(url, unpackaged)).toBeNull();
    expect(insecureServerUrl(url, packaged)).toBe(HTTPS_ONLY_MESSAGE);
  });

  it('says why in a plain sentence', () => {
    expect(HTTPS_ONLY_MESSAGE).toBe(
      "Use an https:// address: the connection to your firm's server must be encrypted.",
    );
  });

  it.each([
    ['127.0.0.1', true],
    ['127.255.255.255', true],
    ['127.256.0.1', false],
    ['128.0.0.1', false],
    ['[::1]', true],
    ['::1', true],
    ['localhost', true],
    ['localhost.firm.example', false],
    ['0.0.0.0', false],
  ])('isLoopbackHost(%s) is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
