/**
 * Why a connection to the firm's server failed, in a sentence the advisor (or their IT team) can
 * act on. Reads the error codes of Node's TLS stack (the socket, and fetch in the test host) and
 * the net::ERR_* strings of Chromium's (net.request in the app), wherever they sit in the error's
 * cause chain; returns null for failures that the caller's own "cannot reach" sentence covers.
 */

export const UNTRUSTED_CERTIFICATE =
  "The server's certificate is not trusted by this computer. Ask your IT team to install your firm's certificate authority.";
export const EXPIRED_CERTIFICATE =
  "The server's certificate has expired or is not valid yet. Check this computer's date and time, or ask your IT team to renew the certificate.";
export const WRONG_NAME_CERTIFICATE =
  "The server's certificate was issued for a different address. Check the server address, or ask your IT team.";
export const PROXY_SIGN_IN_NEEDED =
  "Your network's proxy asks for a sign-in that was not given. Sign in to the proxy when asked, or ask your IT team.";
export const PROXY_UNREACHABLE =
  "Cannot reach your network's proxy. Check your network connection, or ask your IT team about the proxy settings.";

const SENTENCES: [string, readonly string[]][] = [
  [
    UNTRUSTED_CERTIFICATE,
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'UNABLE_TO_GET_ISSUER_CERT',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_UNTRUSTED',
      'CERT_REJECTED',
      'net::ERR_CERT_AUTHORITY_INVALID',
      'net::ERR_CERT_INVALID',
    ],
  ],
  [EXPIRED_CERTIFICATE, ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'net::ERR_CERT_DATE_INVALID']],
  [WRONG_NAME_CERTIFICATE, ['ERR_TLS_CERT_ALTNAME_INVALID', 'net::ERR_CERT_COMMON_NAME_INVALID']],
  [
    PROXY_SIGN_IN_NEEDED,
    ['net::ERR_PROXY_AUTH_UNSUPPORTED', 'net::ERR_PROXY_AUTH_REQUESTED', 'HTTP 407'],
  ],
  [PROXY_UNREACHABLE, ['net::ERR_PROXY_CONNECTION_FAILED', 'net::ERR_TUNNEL_CONNECTION_FAILED']],
];

/** Codes and messages along the chain: error.cause (fetch), error.description.error (socket.io). */
function clues(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, message, cause, description, error: inner } = current as Record<string, unknown>;
    if (typeof code === 'string') found.push(code);
    if (typeof message === 'string') {
      found.push(...(message.match(/net::ERR_[A-Z_]+/g) ?? []));
      // A proxy's 407 reaches us as text: "Unexpected server response: 407" (ws),
      // "Proxy response (407) !== 200" (undici).
      if (/\b407\b/.test(message)) found.push('HTTP 407');
    }
    current = cause ?? inner ?? description;
  }
  return found;
}

export function describeConnectionFailure(error: unknown): string | null {
  const found = clues(error);
  for (const [sentence, codes] of SENTENCES) {
    if (found.some((clue) => codes.includes(clue))) return sentence;
  }
  return null;
}
