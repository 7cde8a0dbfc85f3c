/**
 * The JSON record an archive ingests for one recorded call (archive-record.schema.json), made
 * from the recording's signed manifest alone: the call, who was in it and in which role, the
 * files with their SHA-256, the consent events main relayed, the server's receipts and the
 * manifest's signature. The same manifest always gives the same record, whoever exports it.
 */
import type { RecordingManifest } from '../recording/manifest.ts';

export const RECORD_FILE = 'archive-record.json';
export const SCHEMA_FILE = 'archive-record.schema.json';
/** Where a journal message goes when no address is given: a placeholder that delivers nowhere. */
export const JOURNAL_PLACEHOLDER = 'journal@archive.invalid';
/** The advisor's From address when none is given: their user id at a placeholder domain. */
export const FROM_DOMAIN = 'advisor.invalid';

export type Role = 'advisor' | 'member' | 'guest';

export interface ArchiveFile {
  fileId: string;
  fileName: string;
  kind: 'media' | 'manifest';
  mimeType: string;
  bytes: number;
  sha256: string;
}

export interface ArchiveRecord {
  recordVersion: 1;
  type: 'video-call';
  callId: string;
  recordingId: string | null;
  title: string;
  startTime: string;
  endTime: string;
  durationSeconds: number;
  status: Exclude<RecordingManifest['status'], 'recording'>;
  owner: { id: string | null; name: string; email: string };
  participants: {
    id: string;
    name: string | null;
    role: Role;
    joinedAt: string | null;
    leftAt: string | null;
    nameSource: RecordingManifest['participants'][number]['nameFrom'];
    inServerReceipt: boolean;
  }[];
  files: ArchiveFile[];
  consentEvents: {
    at: string;
    fromId: string;
    fromName: string | null;
    toId: string;
    toName: string | null;
    state: RecordingManifest['consent'][number]['state'];
  }[];
  serverReceipts: NonNullable<RecordingManifest['serverReceipts']> | null;
  manifest: {
    fileId: string;
    algorithm: 'Ed25519' | null;
    keyId: string | null;
    publicKey: string | null;
    signature: string | null;
    unsignedReason: string | null;
  };
  application: { name: 'RichesReach Advisor'; version: string };
}

export interface RecordOptions {
  /** The advisor's address for From (default: `localPartOf(their id)` at `fromDomain`). */
  from?: string;
  /** The domain of the advisor's From when no address is given (default FROM_DOMAIN). */
  fromDomain?: string;
  /** The mailbox name for the advisor's user id (default: the id itself). */
  localPartOf?: (advisorId: string) => string;
}

/**
 * Who recorded it: the advisor the server's receipts name, else the participant the app's own
 * session named, else the first (main lists itself first).
 */
export function advisorOf(m: RecordingManifest): RecordingManifest['participants'][number] | null {
  const fromServer =
    m.serverReceipts?.start?.receipt.advisorId ?? m.serverReceipts?.stop?.receipt.advisorId;
  return (
    m.participants.find((p) => p.id === fromServer) ??
    m.participants.find((p) => p.nameFrom === 'session') ??
    m.participants[0] ??
    null
  );
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-24 10:30 UTC`: archives index in UTC, whatever the advisor's time zone. */
export function utcMinute(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
export function inWords(names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'no one else';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

function fromAddress(advisorId: string | null, options: RecordOptions): string {
  const local = advisorId === null ? 'unknown' : (options.localPartOf?.(advisorId) ?? advisorId);
  return `${local}@${options.fromDomain ?? FROM_DOMAIN}`;
}

export function buildArchiveRecord(
  m: RecordingManifest,
  files: { media: ArchiveFile; manifest: ArchiveFile },
  options: RecordOptions = {},
): ArchiveRecord {
  if (m.status === 'recording' || m.endedAt === null) {
    throw new Error('A recording still being made cannot be archived.');
  }
  const advisor = advisorOf(m);
  const nameOf = (id: string): string | null =>
    m.participants.find((p) => p.id === id)?.displayName ?? null;
  const vouched = new Set(
    (m.serverReceipts?.stop ?? m.serverReceipts?.start)?.receipt.participants.map((p) => p.userId),
  );
  const others = m.participants.filter((p) => p !== advisor).map((p) => p.displayName ?? p.id);
  const signer = m.signer;
  return {
    recordVersion: 1,
    type: 'video-call',
    callId: m.callId,
    recordingId: m.recordingId ?? null,
    title: `Recorded call ${utcMinute(m.startedAt)} with ${inWords(others)}`,
    startTime: m.startedAt,
    endTime: m.endedAt,
    durationSeconds: Math.round((m.durationMs ?? 0) / 1000),
    status: m.status,
    owner: {
      id: advisor?.id ?? null,
      name: advisor?.displayName ?? advisor?.id ?? 'Unknown advisor',
      email: options.from ?? fromAddress(advisor?.id ?? null, options),
    },
    participants: m.participants.map((p) => ({
      id: p.id,
      name: p.displayName,
      role: p === advisor ? 'advisor' : p.guest ? 'guest' : 'member',
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
      nameSource: p.nameFrom,
      inServerReceipt: vouched.has(p.id),
    })),
    files: [files.media, files.manifest],
    consentEvents: m.consent.map((e) => ({
      at: e.at,
      fromId: e.from,
      fromName: nameOf(e.from),
      toId: e.to,
      toName: nameOf(e.to),
      state: e.state,
    })),
    serverReceipts: m.serverReceipts ?? null,
    manifest: {
      fileId: files.manifest.fileId,
      algorithm: signer ? signer.algorithm : null,
      keyId: signer?.keyId ?? null,
      publicKey: signer?.publicKey ?? null,
      signature: m.signature ?? null,
      unsignedReason: signer ? null : (m.unsigned ?? 'It gives no reason.'),
    },
    application: { name: 'RichesReach Advisor', version: m.appVersion },
  };
}
