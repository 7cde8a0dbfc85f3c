/**
 * The journal message for SMTP journaling: an RFC 5322 message (CRLF, MIME multipart) from the
 * advisor to the firm's journal address, a plain-text summary, and the JSON record, the manifest
 * and the recording attached in base64. Built by nodemailer's MailComposer and streamed to the
 * file, attachments read from disk as they go: an hour of video is never held in memory. The
 * same record gives the same bytes (boundary, Message-ID and Date come from it).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ArchiveRecord } from './archive-record.ts';
import { summaryText } from './archive-summary.ts';

const MESSAGE_DOMAIN = 'richesreach-advisor.invalid';

export interface EmlAttachment {
  path: string;
  fileName: string;
  contentType: string;
}

export interface EmlOptions {
  /** The journal address (To). */
  to: string;
  attachments: EmlAttachment[];
}

export async function writeJournalMessage(
  path: string,
  record: ArchiveRecord,
  recordJson: string,
  options: EmlOptions,
): Promise<void> {
  const digest = createHash('sha256').update(recordJson).digest('hex');
  const composer = new MailComposer({
    from: { name: record.owner.name, address: record.owner.email },
    to: options.to,
    subject: record.title,
    date: new Date(record.startTime),
    messageId: `<${record.recordingId ?? record.callId}.${digest.slice(0, 16)}@${MESSAGE_DOMAIN}>`,
    baseBoundary: digest.slice(0, 24),
    newline: 'win',
    headers: {
      'X-RichesReach-Call-Id': record.callId,
      ...(record.recordingId ? { 'X-RichesReach-Recording-Id': record.recordingId } : {}),
    },
    text: summaryText(record),
    attachments: options.attachments.map((a) => ({
      path: a.path,
      filename: a.fileName,
      contentType: a.contentType,
      contentTransferEncoding: 'base64',
    })),
    disableUrlAccess: true,
  });
  await pipeline(
    composer.compile().createReadStream(),
    createWriteStream(path, { flags: 'wx', mode: 0o600 }),
  );
}
