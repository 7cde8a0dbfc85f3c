import { describe, expect, it } from 'vitest';
import { createCallCertificates } from './call-certificates.ts';

const DAY = 24 * 60 * 60 * 1000;

/** A stand-in for the browser's generator: certificates numbered in order, resolved on demand. */
function generator(expiresIn = 30 * DAY) {
  const made: { resolve: () => void; certificate: RTCCertificate }[] = [];
  const generate = () =>
    new Promise<RTCCertificate>((resolve) => {
      const certificate = { expires: Date.now() + expiresIn } as RTCCertificate;
      made.push({
        certificate,
        resolve: () => {
          resolve(certificate);
        },
      });
    });
  return { generate, made };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('call certificates', () => {
  it('has none until the first is made, then the same one for every connection of the call', async () => {
    const g = generator();
    const certificates = createCallCertificates(g.generate);
    expect(certificates.current()).toBeUndefined();
    g.made[0]!.resolve();
    await settle();
    expect(certificates.current()).toEqual([g.made[0]!.certificate]);
    expect(certificates.current()![0]).toBe(certificates.current()![0]);
  });

  it('a new call gets a new certificate, never the last one', async () => {
    const g = generator();
    const certificates = createCallCertificates(g.generate);
    g.made[0]!.resolve();
    await settle();
    certificates.renew();
    expect(certificates.current()).toBeUndefined();
    g.made[1]!.resolve();
    await settle();
    expect(certificates.current()).toEqual([g.made[1]!.certificate]);
  });

  it('a certificate made for an earlier call that arrives late is not used', async () => {
    const g = generator();
    const certificates = createCallCertificates(g.generate);
    certificates.renew(); // before the first was made
    g.made[1]!.resolve();
    g.made[0]!.resolve();
    await settle();
    expect(certificates.current()).toEqual([g.made[1]!.certificate]);
  });

  it('one close to expiring is not used, and a new one is made', async () => {
    const g = generator(DAY / 2);
    const certificates = createCallCertificates(g.generate);
    g.made[0]!.resolve();
    await settle();
    expect(certificates.current()).toBeUndefined();
    expect(g.made).toHaveLength(2);
  });

  it('without WebRTC (or a failed generator) connections make their own', async () => {
    const certificates = createCallCertificates(() => Promise.reject(new Error('no')));
    await settle();
    expect(certificates.current()).toBeUndefined();
  });
});
