import { getCACertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { systemTrustedCertificates } from './trusted-certificates.ts';

describe('systemTrustedCertificates', () => {
  it("is Node's CAs and the OS store's, each once (read for real here)", () => {
    const all = systemTrustedCertificates();
    const defaults = getCACertificates('default');
    const system = getCACertificates('system');
    expect(all).toEqual(expect.arrayContaining([...defaults, ...system]));
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(new Set([...defaults, ...system]).size);
  });

  it('adds what the OS store holds beyond the bundled list (a firm CA IT installed)', () => {
    const firmCa = '-----BEGIN CERTIFICATE-----\nfirm\n-----END CERTIFICATE-----\n';
    const read = (source: 'default' | 'system') =>
      source === 'default' ? ['a', 'b'] : ['b', firmCa];
    expect(systemTrustedCertificates(read)).toEqual(['a', 'b', firmCa]);
  });

  it('an unreadable OS store is logged and the bundled list still used', () => {
    const logged: string[] = [];
    const read = (source: 'default' | 'system') => {
      if (source === 'system') throw new Error('keychain locked');
      return ['a'];
    };
    expect(systemTrustedCertificates(read, (event) => logged.push(event))).toEqual(['a']);
    expect(logged).toEqual(['net.system-ca-unreadable']);
  });
});
