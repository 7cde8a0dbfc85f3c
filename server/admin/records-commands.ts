/**
 * The admin CLI's read-only commands over the server's records: `audit export`, `audit verify`
 * and `recordings receipt-key`. They change nothing.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { AuditStore } from '../audit/audit-store.ts';
import { exportAudit, type ExportFormat } from '../audit/export.ts';
import { verifyChain } from '../audit/verify-chain.ts';
import { loadReceiptSigner } from '../recordings/receipt-key.ts';
import type { AccountStore } from '../storage/store.ts';
import { AdminError } from './commands.ts';

export interface RecordsContext {
  audit: AuditStore;
  /** Where the receipt key is kept. */
  accounts: AccountStore;
  /** Where an export without --out goes. */
  stdout: Writable;
}

export interface RecordsOptions {
  from?: string | undefined;
  to?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
}

export const isRecordsCommand = (noun: string | undefined): boolean =>
  noun === 'audit' || noun === 'recordings';

const isFormat = (format: string): format is ExportFormat => format === 'jsonl' || format === 'csv';
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A --from/--to value as an ISO instant; a bare --to date runs to the end of that day. */
export function parseBound(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = DATE.test(value)
    ? Date.parse(`${value}T00:00:00Z`)
    : TIME.test(value)
      ? Date.parse(value)
      : NaN;
  if (Number.isNaN(ms)) {
    throw new AdminError(
      `${flag} takes a date such as 2025-01-31 or a time such as 2025-01-31T09:30:00Z; got "${value}".`,
    );
  }
  return new Date(flag === '--to' && DATE.test(value) ? ms + DAY_MS : ms).toISOString();
}

async function runExport(
  ctx: RecordsContext,
  options: RecordsOptions,
): Promise<string | undefined> {
  const format = options.format ?? 'jsonl';
  if (!isFormat(format)) {
    throw new AdminError(`--format is jsonl or csv; got "${format}".`);
  }
  const from = parseBound('--from', options.from);
  const to = parseBound('--to', options.to);
  const range = { format, ...(from ? { from } : {}), ...(to ? { to } : {}) };
  if (!options.out) {
    await exportAudit(ctx.audit, range, ctx.stdout);
    return undefined;
  }
  // The trail names people and calls: the file is the reader's alone, like the database.
  const file = createWriteStream(options.out, { mode: 0o600 });
  try {
    const count = await exportAudit(ctx.audit, range, file);
    return `Exported ${count} audit records to ${options.out}.`;
  } finally {
    file.end();
    await finished(file);
  }
}

async function runVerify(ctx: RecordsContext): Promise<string> {
  const report = await verifyChain(ctx.audit);
  if (!report.ok) throw new AdminError(`The audit trail was altered. ${report.message}`);
  const { head, count } = report;
  const pruned =
    head.anchorSeq > 0 ? ` (records up to ${head.anchorSeq} were pruned by retention)` : '';
  if (count === 0) return `The audit trail is intact and holds no records${pruned}.`;
  return `The audit trail is intact: ${count} records, ${head.anchorSeq + 1} to ${head.seq}${pruned}; its head hash is ${head.hash}.`;
}

/** Runs one command; returns what to print on stdout (nothing when the export went there). */
export async function runRecordsCommand(
  ctx: RecordsContext,
  positionals: string[],
  options: RecordsOptions,
): Promise<string | undefined> {
  const key = positionals.slice(0, 2).join(' ');
  if (key === 'audit export') return runExport(ctx, options);
  if (key === 'audit verify') return runVerify(ctx);
  if (key === 'recordings receipt-key') {
    return JSON.stringify((await loadReceiptSigner(ctx.accounts)).publicKey, null, 2);
  }
  throw new AdminError(`Unknown command "${positionals.join(' ')}".`);
}
