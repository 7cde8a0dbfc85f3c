/**
 * What may reach main's log file and console: values of keys that name a secret are replaced, and
 * secrets that hide in other values (a JWT or a bearer header in an error message, an SDP, a
 * meeting link's token, a password in a URL, a random token) are cut out of the text.
 */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;

export const REDACTED = '[redacted]';

/** The server's list (server/log.ts) and a few more. */
const SENSITIVE_KEY =
  /token|password|passwd|secret|sdp|offer|answer|candidate|authorization|credential|cookie|api[-_]?key|private/i;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/\/join\/[^\s"'/?#]+/g, `/join/${REDACTED}`],
  [/\/\/[^/\s@:]*:[^/\s@]*@/g, `//${REDACTED}@`],
  [
    /([?&](?:token|access_token|refresh_token|auth|key|sig|signature|password)=)[^&\s"']+/gi,
    `$1${REDACTED}`,
  ],
];

/**
 * A random token (server/auth/tokens.ts: 32 bytes as base64url) mixes upper case, lower case and
 * digits over 32+ characters; ids (lower-case UUIDs, call_…) and hex hashes do not, so they stay.
 */
const OPAQUE = /[A-Za-z0-9_-]{32,}/g;
const looksRandom = (run: string) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);

/** An SDP blob (session description) is never logged, whatever it is called. */
const SDP = /(^|\n)v=0\r?\n|a=(fingerprint|ice-pwd):/;

export function scrubText(text: string): string {
  if (SDP.test(text)) return REDACTED;
  let clean = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) clean = clean.replace(pattern, replacement);
  return clean.replace(OPAQUE, (run) => (looksRandom(run) ? REDACTED : run));
}

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

export function scrubFields(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isSensitiveKey(key)) clean[key] = value === undefined ? undefined : REDACTED;
    else clean[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  return clean;
}
