/** What the advisor reads when recording goes wrong: a stable code and a sentence to act on. */
import { BridgeFailure } from '../../shared/bridge/results.ts';

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A system error as the advisor should read it; `kept` names the file when data was written. */
export function toFailure(error: unknown, folder: string, kept: string | null): BridgeFailure {
  if (error instanceof BridgeFailure) return error;
  const code = errorCode(error);
  const keptNote = kept ? ` What was recorded so far is kept in "${kept}".` : '';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new BridgeFailure(
      'disk-full',
      kept
        ? `The disk is full, so the recording stopped.${keptNote}`
        : 'The disk is full, so this call cannot be recorded. Free some space, or choose another recordings folder in Settings.',
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new BridgeFailure(
      'not-writable',
      `The recordings folder (${folder}) cannot be written to. Choose another folder in Settings.${keptNote}`,
    );
  }
  const detail = code && /^E[A-Z]+$/.test(code) ? ` (${code})` : '';
  return new BridgeFailure(
    'internal',
    `The recording could not be written${detail}.${keptNote || ' Try again, or choose another recordings folder in Settings.'}`,
  );
}

export const noSuchRecording = (): BridgeFailure =>
  new BridgeFailure('no-such-recording', 'That recording is not known to the app.');
export const alreadyStopped = (): BridgeFailure =>
  new BridgeFailure('no-such-recording', 'That recording has already stopped.');
