/**
 * The audit trail out, for an archive or a spreadsheet: JSON Lines (one record per line, exactly
 * as stored, so the chain can be checked again from the file) or CSV (RFC 4180; `fields` as one
 * JSON cell). Streams page by page, so a year of records never sits in memory at once.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AuditRecord } from './audit-record.ts';
import type { AuditStore } from './audit-store.ts';

export type ExportFormat = 'jsonl' | 'csv';
export const CSV_COLUMNS = ['seq', 'at', 'type', 'actor', 'fields', 'prevHash', 'hash'] as const;
const PAGE = 1_000;

/**
 * Quoted when it holds a quote, comma or line break, quotes doubled. No cell can start a
 * spreadsheet formula: every one is a number, an id, a time, a hash, or `fields`' JSON (`{`).
 */
const cell = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const csvRow = (values: (string | number)[]): string => `${values.map(cell).join(',')}\r\n`;

function line(record: AuditRecord, format: ExportFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(record)}\n`;
  const { seq, at, type, actor, fields, prevHash, hash } = record;
  return csvRow([seq, at, type, actor, JSON.stringify(fields), prevHash, hash]);
}

/** Writes the records appended in [from, to) (ISO 8601; either may be absent); returns how many. */
export async function exportAudit(
  store: AuditStore,
  range: { from?: string; to?: string; format: ExportFormat },
  out: Writable,
): Promise<number> {
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (range.format === 'csv') await write(csvRow([...CSV_COLUMNS]));
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const page = await store.page({ ...range, afterSeq, limit: PAGE });
    for (const record of page) await write(line(record, range.format));
    count += page.length;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return count;
    afterSeq = last.seq;
  }
}
