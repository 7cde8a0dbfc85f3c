/**
 * Server receipts for recordings made in tests: the real server's start and stop receipts for a
 * finished recording, signed into its manifest with the test's keychain key, as the app does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { manifestText } from '../files.ts';
import type { RecordingManifest } from '../manifest.ts';
import type { ServerReceipts, StoredReceipt } from '../receipts-schema.ts';
import type { RecordingSigner } from '../signing-key.ts';

/** POSTs a receipt request to the server as the advisor (e.g. through the test harness). */
export type IssueReceipt = (body: Record<string, unknown>) => Promise<StoredReceipt>;

const manifestOf = (path: string): RecordingManifest =>
  JSON.parse(readFileSync(`${path}.json`, 'utf8')) as RecordingManifest;

/** The manifest with these receipts, signed again by the app's key (so its signature holds). */
export async function resign(
  path: string,
  signer: RecordingSigner,
  serverReceipts: ServerReceipts | undefined,
): Promise<RecordingManifest> {
  const { serverReceipts: _old, ...rest } = manifestOf(path);
  const signed = await signer.sign(serverReceipts ? { ...rest, serverReceipts } : rest);
  writeFileSync(`${path}.json`, manifestText(signed));
  return signed;
}

/** Asks the server for the start and stop receipts of a finished recording and signs them in. */
export async function withServerReceipts(
  path: string,
  signer: RecordingSigner,
  issue: IssueReceipt,
): Promise<RecordingManifest> {
  const m = manifestOf(path);
  const { callId, recordingId } = m;
  const start = await issue({ phase: 'start', callId, recordingId });
  const stop = await issue({
    phase: 'stop',
    callId,
    recordingId,
    bytes: m.bytes,
    sha256: m.sha256,
    chainHead: m.chain.head,
    startedAt: m.startedAt,
    endedAt: m.endedAt,
  });
  const serverKeyId = start.receipt.serverKeyId;
  return resign(path, signer, { serverKeyId, start, stop, missing: [] });
}
