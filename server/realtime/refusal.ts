import type { CallErrorCode } from '../../shared/protocol/signaling.ts';

/** A message the server will not pass on; answered with `call-error` to its sender only. */
export class Refusal extends Error {
  readonly code: CallErrorCode;
  readonly callId: string | undefined;
  constructor(code: CallErrorCode, message: string, callId?: string) {
    super(message);
    this.code = code;
    this.callId = callId;
  }
}
