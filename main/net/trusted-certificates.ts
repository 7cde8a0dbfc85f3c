/**
 * The certificate authorities main's own TLS connections (the signaling socket) trust: Node's
 * bundled list plus the operating system's store, where a firm's IT installs its private CA and
 * its TLS-inspecting proxy's CA. Chromium (net.request, the renderer) reads the OS store itself;
 * Node does not unless asked, hence this list. Injected, so tests pass a stand-in for the OS store.
 */
import * as tls from 'node:tls';

type CaSource = 'default' | 'system';
export type ReadCertificates = (source: CaSource) => string[];

/** Node's getCACertificates (Node >= 22.15 / 23.5; Electron 45 ships Node 24). */
function nodeCertificates(source: CaSource): string[] {
  if (typeof tls.getCACertificates !== 'function') {
    return source === 'default' ? [...tls.rootCertificates] : [];
  }
  return tls.getCACertificates(source);
}

/**
 * Node's default CAs and the OS store's, without duplicates. An OS store that cannot be read is
 * reported and left out: the default list still lets public servers work.
 */
export function systemTrustedCertificates(
  read: ReadCertificates = nodeCertificates,
  log: (event: string, fields?: Record<string, string | number>) => void = () => undefined,
): string[] {
  const certificates = new Set(read('default'));
  try {
    for (const certificate of read('system')) certificates.add(certificate);
  } catch (error) {
    log('net.system-ca-unreadable', { error: error instanceof Error ? error.name : 'unknown' });
  }
  return [...certificates];
}
