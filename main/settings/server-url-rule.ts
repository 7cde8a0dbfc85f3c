/**
 * The firm's server is reached over TLS only: an http:// address is refused with a sentence that
 * says why. The one exception is a server on this computer (loopback) in an unpackaged build, for
 * development and the test host; a packaged app accepts https:// alone.
 */

export const HTTPS_ONLY_MESSAGE =
  "Use an https:// address: the connection to your firm's server must be encrypted.";

/** 127.0.0.0/8, ::1 and localhost: addresses that never leave this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}

export interface ServerUrlRule {
  /** Unpackaged builds only: http:// to a server on this computer. */
  allowLoopbackHttp: boolean;
}

/** Why this address may not be used (in plain words), or null. Malformed addresses are left to the schema. */
export function insecureServerUrl(value: string, rule: ServerUrlRule): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:') return null;
  if (rule.allowLoopbackHttp && isLoopbackHost(url.hostname)) return null;
  return HTTPS_ONLY_MESSAGE;
}
