/**
 * The recording verifier: is this file what main recorded? It checks the manifest's signature
 * (and, when given, that the key is one we know), every chunk against the hash chain, the whole
 * file against its SHA-256, then (when asked) the server's receipts, and says one of valid /
 * altered / truncated / unsigned / not known to the server with the reason in a plain sentence.
 * No Electron and no keychain here: the CLI (verify-cli.ts) runs it under plain Node, and the
 * app's `recordings:verify` channel passes this install's key id and the server's check.
 */
import * as fsPromises from 'node:fs/promises';
import { basename } from 'node:path';
import type { RecordingFs } from './files.ts';
import { checkSignature } from './manifest-signature.ts';
import { manifestSchema, type ManifestStatus, type RecordingManifest } from './manifest.ts';
import { checkMedia, scanOrNull } from './verify-media.ts';
import { count, wasWere } from './words.ts';

export type Verdict = 'valid' | 'altered' | 'truncated' | 'unsigned' | 'not-known-to-server';

export interface Verification {
  verdict: Verdict;
  /** The manifest's status when it could be read ('complete', 'recovered'…). */
  status: ManifestStatus | null;
  /** Why, in plain sentences. */
  reason: string;
  /** The key that signed the manifest, when it is signed. */
  keyId: string | null;
}

/**
 * The server's receipts (it signs callId, participants, times, bytes and hash at start and
 * stop): checked only once the file checks out locally. receipts-check.ts implements it.
 */
export type ServerReceiptCheck = (
  manifest: RecordingManifest,
) => Promise<{ known: true; detail: string } | { known: false; reason: string }>;

export interface VerifyOptions {
  /** Keys that may sign (full ids, or prefixes of at least 16 hex digits), and what to call them. */
  trustedKeys?: { ids: readonly string[]; label: string };
  checkServerReceipt?: ServerReceiptCheck;
  fs?: RecordingFs;
}

/** A media file or its manifest: both name the same recording. */
export function recordingPaths(path: string): { mediaPath: string; manifestPath: string } {
  const mediaPath = path.endsWith('.json') ? path.slice(0, -'.json'.length) : path;
  return { mediaPath, manifestPath: `${mediaPath}.json` };
}

const short = (keyId: string): string => `${keyId.slice(0, 16)}…`;

const matchesKey = (keyId: string, id: string): boolean =>
  id.length >= 16 && keyId.startsWith(id.toLowerCase());

function howItEnded(m: RecordingManifest): string {
  switch (m.status) {
    case 'interrupted':
      return m.consentMissing?.length
        ? ' The app stopped it when someone joined who had not agreed to be recorded (the firm requires consent); it holds what was recorded until then.'
        : ' It was cut short (the app window was reloaded, closed or crashed) and holds what was recorded until then.';
    case 'failed':
      return ` It stopped early after a write error (${m.error ?? 'unknown'}) and holds what reached the disk.`;
    case 'recovered': {
      const r = m.recovery ?? { journalChunks: 0, verifiedChunks: 0, unchainedBytes: 0 };
      const u = r.unchainedBytes;
      const tail =
        u > 0
          ? `; the ${count(u, 'byte')} after them ${u === 1 ? 'is' : 'are'} covered only by the file’s SHA-256`
          : '';
      const missing = r.journalChunks - r.verifiedChunks;
      const lost =
        missing > 0
          ? `; ${count(missing, 'more chunk')} the journal listed ${wasWere(missing)} not found intact`
          : '';
      return ` The app stopped while recording and closed it as recovered on its next start: the chain covers the ${count(r.verifiedChunks, 'whole chunk')} found on disk${tail}${lost}.`;
    }
    default:
      return '';
  }
}

type ReadManifest =
  { raw: Record<string, unknown> } | { verdict: 'unsigned' | 'altered'; reason: string };

/** The manifest as stored, before any schema: the signature is checked over exactly this. */
async function readManifest(fs: RecordingFs, path: string): Promise<ReadManifest> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return {
      verdict: 'unsigned',
      reason: `There is no manifest beside this file (${basename(path)}), so nothing vouches for it.`,
    };
  }
  try {
    const raw = JSON.parse(text) as unknown;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      return { raw: raw as Record<string, unknown> };
    }
  } catch {
    // Not JSON: the same answer as JSON of the wrong shape.
  }
  return { verdict: 'altered', reason: 'The manifest is not a JSON object the app would write.' };
}

export async function verifyRecording(
  path: string,
  options: VerifyOptions = {},
): Promise<Verification> {
  const fs = options.fs ?? fsPromises;
  const { mediaPath, manifestPath } = recordingPaths(path);
  const answer = (
    verdict: Verdict,
    reason: string,
    status: ManifestStatus | null = null,
    keyId: string | null = null,
  ): Verification => ({ verdict, status, reason, keyId });

  const read = await readManifest(fs, manifestPath);
  if (!('raw' in read)) return answer(read.verdict, read.reason);
  const { raw } = read;
  if (raw.version === 1) return verifyLegacy(fs, mediaPath, raw);
  const signature = checkSignature(raw);
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    return answer(
      'altered',
      signature.state === 'bad'
        ? signature.reason
        : 'The manifest is not in the form the app writes.',
    );
  }
  const m = parsed.data;
  const keyId = signature.state === 'signed' ? signature.keyId : null;
  if (m.file !== basename(mediaPath)) {
    return answer('altered', `The manifest describes another file ("${m.file}").`, m.status);
  }
  if (m.status === 'recording') {
    return answer(
      'unsigned',
      'This recording was never closed: it is still being recorded, or the app stopped before closing it (the app closes it as recovered when it next starts).',
      m.status,
    );
  }
  if (signature.state === 'bad') return answer('altered', signature.reason, m.status);
  const trusted = options.trustedKeys;
  if (keyId && trusted && !trusted.ids.some((id) => matchesKey(keyId, id))) {
    return answer(
      'altered',
      `The manifest is signed by a key (${short(keyId)}) that is not ${trusted.label}: it may have been re-signed by someone else.`,
      m.status,
      keyId,
    );
  }
  const media = await checkMedia(fs, mediaPath, m);
  if (!media.ok) return answer(media.verdict, media.reason, m.status, keyId);
  if (signature.state === 'unsigned') {
    return answer(
      'unsigned',
      `The file matches its manifest, but the manifest is not signed, so anyone could have written it. ${signature.reason}`,
      m.status,
    );
  }
  const signer =
    keyId && trusted
      ? `${trusted.label} (key ${short(keyId)})`
      : `key ${short(keyId ?? '')}, which was not compared with a known key`;
  const intact = `${count(m.bytes, 'byte')} in ${count(m.chain.count, 'chunk')} match the hash chain and the file’s SHA-256, and the manifest is signed by ${signer}.${howItEnded(m)}`;
  const server = options.checkServerReceipt ? await options.checkServerReceipt(m) : null;
  if (server && !server.known) {
    return answer(
      'not-known-to-server',
      `${server.reason} The file itself is intact: ${intact}`,
      m.status,
      keyId,
    );
  }
  return answer(
    'valid',
    `The recording is as it was made: ${intact}${server?.known ? ` ${server.detail}` : ''}`,
    m.status,
    keyId,
  );
}

/** A manifest of the app's first version: a bare SHA-256, never signed. */
async function verifyLegacy(
  fs: RecordingFs,
  mediaPath: string,
  raw: Record<string, unknown>,
): Promise<Verification> {
  const never = { verdict: 'unsigned' as const, status: null, keyId: null };
  if (raw.status === 'recording') return { ...never, reason: 'This recording was never closed.' };
  const scan = await scanOrNull(fs, mediaPath, []);
  const bytes = typeof raw.bytes === 'number' ? raw.bytes : -1;
  if (!scan || scan.size < bytes) {
    return {
      verdict: 'truncated',
      status: null,
      keyId: null,
      reason: `The file is shorter than the ${count(bytes, 'byte')} its manifest records.`,
    };
  }
  if (scan.sha256 !== raw.sha256) {
    return {
      verdict: 'altered',
      status: null,
      keyId: null,
      reason: 'The file’s SHA-256 does not match its manifest.',
    };
  }
  return {
    verdict: 'unsigned',
    status: null,
    keyId: null,
    reason:
      'It was made by an older version of the app, before recordings were signed: the file matches the SHA-256 in its manifest, but anyone could have written that manifest.',
  };
}
