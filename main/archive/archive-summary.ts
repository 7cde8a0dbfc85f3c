/**
 * The plain-text body of the journal message: what an archive reviewer reads first, before the
 * attached record and recording. Everything in it comes from the archive record.
 */
import type { ArchiveRecord } from './archive-record.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-24 10:30:05 UTC` */
function utcSecond(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** `1 h 2 min 5 s`, `12 min 0 s`, `7 s` */
function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${min} min ${s} s`;
  return min > 0 ? `${min} min ${s} s` : `${s} s`;
}

const STATUS: Record<ArchiveRecord['status'], string> = {
  complete: 'complete',
  interrupted:
    'interrupted (the app window was reloaded, closed or crashed, or someone joined who had not agreed to be recorded; it holds what was recorded until then)',
  failed: 'failed (a write error ended it; it holds what reached the disk)',
  recovered: 'recovered (the app stopped while recording; its next start closed the file as found)',
};

const CONSENT: Record<ArchiveRecord['consentEvents'][number]['state'], string> = {
  'consent-requested': 'asked for consent to record',
  'consent-granted': 'granted consent to record',
  'consent-denied': 'refused consent to record',
  started: 'said recording started',
  stopped: 'said recording stopped',
};

function receiptsLine(r: ArchiveRecord['serverReceipts']): string {
  if (!r) {
    return 'Server receipts: none (the server was unreachable while it was recorded, or it was made before receipts).';
  }
  if (!r.start && !r.stop) return `Server receipts: none (${r.missing.join('; ')}).`;
  const which = [r.start && 'start', r.stop && 'stop'].filter(Boolean).join(' and ');
  const missing = r.missing.length > 0 ? ` (${r.missing.join('; ')})` : '';
  const recovered = r.recovered ? ', the stop asked for after a crash' : '';
  return `Server receipts: ${which}, signed by server key ${r.serverKeyId ?? 'unknown'}${recovered}${missing}.`;
}

export function summaryText(record: ArchiveRecord): string {
  const who = (name: string | null, id: string) => name ?? id;
  const lines = [
    `${record.owner.name} recorded a video call in RichesReach Advisor.`,
    '',
    `Call id: ${record.callId}`,
    `Recording id: ${record.recordingId ?? 'none (made before server receipts)'}`,
    `Started: ${utcSecond(record.startTime)}`,
    `Ended: ${utcSecond(record.endTime)} (${duration(record.durationSeconds)})`,
    `Recording: ${STATUS[record.status]}`,
    '',
    'Participants:',
    ...record.participants.map((p) => {
      const joined = p.joinedAt
        ? `joined ${utcSecond(p.joinedAt)}`
        : 'joined before the app saw it';
      const left = p.leftAt ? `, left ${utcSecond(p.leftAt)}` : '';
      return `- ${who(p.name, p.id)} (${p.role}), ${joined}${left}`;
    }),
    '',
    'Consent and recording notices:',
    ...(record.consentEvents.length === 0
      ? ['- none relayed']
      : record.consentEvents.map(
          (e) =>
            `- ${utcSecond(e.at)}: ${who(e.fromName, e.fromId)} ${CONSENT[e.state]} (to ${who(e.toName, e.toId)})`,
        )),
    '',
    receiptsLine(record.serverReceipts),
    record.manifest.keyId
      ? `Manifest: signed (Ed25519) by the app key ${record.manifest.keyId}.`
      : `Manifest: not signed: ${record.manifest.unsignedReason ?? 'no reason given'}`,
    '',
    'Attached:',
    ...record.files.map(
      (f) => `- ${f.fileName} (${f.kind}, ${f.bytes} bytes, SHA-256 ${f.sha256})`,
    ),
    '- archive-record.json (this summary as a JSON record; its schema is archive-record.schema.json)',
    '',
  ];
  return lines.join('\n');
}
