/** Every bridge call answers with a Result: errors are data, with a stable code and a plain message. */
export type BridgeErrorCode =
  | 'bad-sender'
  | 'unknown-channel'
  | 'invalid-arguments'
  | 'keychain-unavailable'
  | 'bad-credentials'
  | 'account-disabled'
  | 'rate-limited'
  | 'server-unreachable'
  | 'server-error'
  | 'not-signed-in'
  | 'session-expired'
  | 'managed-by-policy'
  | 'recording-disabled'
  /** IT requires consent: not everyone in the call has agreed to be recorded. */
  | 'consent-missing'
  | 'no-such-recording'
  /** The recording is not what was recorded (or not finished): it is not exported. */
  | 'recording-not-intact'
  | 'disk-full'
  | 'not-writable'
  | 'cloud-synced-folder'
  | 'screen-permission-denied'
  | 'no-such-source'
  | 'cancelled'
  | 'internal';

export interface BridgeError {
  code: BridgeErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/** A failure that main's router passes to the renderer as it is (code + message only). */
export class BridgeFailure extends Error {
  readonly code: BridgeErrorCode;
  constructor(code: BridgeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
