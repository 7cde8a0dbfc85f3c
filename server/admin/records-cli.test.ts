/**
 * The admin CLI's records commands, run as their own processes as IT runs them: admin changes
 * land in the audit trail (never the password); `audit export` round-trips through JSON Lines and
 * CSV (parsed with csv-parse) and honours --from/--to; `audit verify` passes an intact trail and
 * fails, naming the record, on a changed field, a deleted middle record and a deleted last one;
 * `recordings receipt-key` prints the key the server serves.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../audit/audit-record.ts';
import { CSV_COLUMNS } from '../audit/export.ts';
import { loadReceiptSigner } from '../recordings/receipt-key.ts';
import { tempDir } from '../testing/harness.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

const run = promisify(execFile);
const dataDir = tempDir('rr-records-cli-');
let database: TestDatabase;
const PASSWORD = 'a-password-9 that never leaves';

async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['server/admin/cli.ts', ...database.args, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const DAY = 86_400_000;
/** Records on three days, with fields that test CSV's quoting: commas, quotes, line breaks. */
const SEEDED: { at: string; fields: Record<string, string | number | null> }[] = [
  { at: '2030-01-01T10:00:00.000Z', fields: { note: 'plain', n: 1 } },
  { at: '2030-01-02T10:00:00.000Z', fields: { note: 'a, comma and "quotes"', n: 2 } },
  { at: '2030-01-02T23:59:59.999Z', fields: { note: 'two\r\nlines', n: null } },
  { at: '2030-01-03T00:00:00.000Z', fields: { note: '=1+1 starts like a formula', n: 4 } },
];

let stored: AuditRecord[];
beforeAll(async () => {
  database = await createTestDatabase(dataDir);
  for (const args of [
    ['user', 'add', 'alice', '--password', PASSWORD, '--name', 'Alice Advisor'],
    ['user', 'passwd', 'alice', '--password', `${PASSWORD}-2`],
    ['user', 'disable', 'alice'],
    ['user', 'enable', 'alice'],
    ['circle', 'add', 'Wealth Team'],
    ['circle', 'add-member', 'Wealth Team', 'alice'],
    ['circle', 'remove-member', 'Wealth Team', 'alice'],
  ]) {
    expect((await admin(...args)).code, args.join(' ')).toBe(0);
  }
  const opened = await database.open();
  for (const { at, fields } of SEEDED) {
    await opened.audit.append({ type: 'call.ended', actor: 'server', fields }, new Date(at));
  }
  stored = await opened.audit.page({ afterSeq: 0, limit: 100 });
  await opened.close();
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const parseJsonl = (text: string): unknown[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);

/** CSV rows back as records: `seq` a number again, `fields` parsed from its JSON cell. */
function parseCsv(text: string): AuditRecord[] {
  const rows = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
  return rows.map((row) => ({
    seq: Number(row.seq),
    at: row.at!,
    type: row.type!,
    actor: row.actor!,
    fields: JSON.parse(row.fields!) as AuditRecord['fields'],
    prevHash: row.prevHash!,
    hash: row.hash!,
  }));
}

describe('admin changes in the audit trail', () => {
  it('records each change as done by admin-cli, and never the password', async () => {
    const admins = stored.filter((r) => r.type.startsWith('admin.'));
    expect(admins.map((r) => [r.type, r.actor])).toEqual([
      ['admin.user-added', 'admin-cli'],
      ['admin.password-changed', 'admin-cli'],
      ['admin.user-disabled', 'admin-cli'],
      ['admin.user-enabled', 'admin-cli'],
      ['admin.circle-added', 'admin-cli'],
      ['admin.circle-member-added', 'admin-cli'],
      ['admin.circle-member-removed', 'admin-cli'],
    ]);
    expect(admins[0]?.fields).toMatchObject({ username: 'alice', displayName: 'Alice Advisor' });
    expect(admins[5]?.fields).toMatchObject({ circle: 'Wealth Team', username: 'alice' });
    const dump = JSON.stringify(await database.sql('SELECT * FROM audit_records'));
    expect(dump).not.toContain('a-password-9');
  });
});

describe('audit export', () => {
  it('round-trips every record through JSON Lines on stdout', async () => {
    const { code, stdout } = await admin('audit', 'export', '--format', 'jsonl');
    expect(code).toBe(0);
    expect(parseJsonl(stdout)).toEqual(stored);
  });

  it('round-trips every record through CSV in a file only its owner may read', async () => {
    const out = join(dataDir, 'export.csv');
    const result = await admin('audit', 'export', '--format', 'csv', '--out', out);
    expect(result).toMatchObject({
      code: 0,
      stdout: `Exported ${stored.length} audit records to ${out}.\n`,
    });
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(parseCsv(text)).toEqual(stored);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('keeps to --from and --to (a bare --to date includes that whole day)', async () => {
    const seeded = stored.filter((r) => r.at.startsWith('2030-'));
    const days = await admin('audit', 'export', '--from', '2030-01-02', '--to', '2030-01-02');
    expect(parseJsonl(days.stdout)).toEqual(seeded.slice(1, 3));
    const times = await admin(
      'audit',
      'export',
      '--format',
      'csv',
      '--from',
      '2030-01-02T23:59:59.999Z',
      '--to',
      new Date(Date.parse('2030-01-02T00:00:00Z') + 3 * DAY).toISOString(),
    );
    expect(parseCsv(times.stdout)).toEqual(seeded.slice(2));
  });

  it('refuses a date or format it cannot read, with a sentence', async () => {
    for (const [args, message] of [
      [['--from', '31/01/2030'], /--from takes a date such as 2025-01-31/],
      [['--to', '2030-01-02T10:00'], /--to takes a date/],
      [['--format', 'xml'], /--format is jsonl or csv; got "xml"/],
    ] as const) {
      const result = await admin('audit', 'export', ...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });
});

describe('audit verify', () => {
  const tamper = (statement: string) => database.sql(statement);

  it('passes the intact trail, then finds a changed field and a deleted record', async () => {
    const last = stored.at(-1)!.seq;
    const intact = await admin('audit', 'verify');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(
      new RegExp(`intact: ${last} records, 1 to ${last}; its head hash is ${stored.at(-1)!.hash}`),
    );

    await tamper(`UPDATE audit_records SET fields = '{"username":"mallory"}' WHERE seq = 2`);
    let result = await admin('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/altered\. Record 2 was changed/);

    // The first problem in seq order is the one reported.
    await tamper(`DELETE FROM audit_records WHERE seq = 1`);
    result = await admin('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Record 1 is missing/);
  });

  it('finds the last record deleted (the head remembers it)', async () => {
    const dir = tempDir('rr-records-cli-last-');
    try {
      const other = await createTestDatabase(dir);
      const opened = await other.open();
      for (let i = 0; i < 3; i++) {
        await opened.audit.append({ type: 'call.rang', actor: 'u', fields: { i } }, new Date());
      }
      await opened.close();
      await other.sql('DELETE FROM audit_records WHERE seq = 3');
      const result = await run(process.execPath, [
        'server/admin/cli.ts',
        ...other.args,
        'audit',
        'verify',
      ]).catch((e: unknown) => e as { code: number; stderr: string });
      expect(result).toMatchObject({ code: 1 });
      expect((result as { stderr: string }).stderr).toMatch(
        /Record 3 is missing: the trail ends at 2 but its head says 3/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('recordings receipt-key', () => {
  it('prints the public key the server signs receipts with, the one in the database', async () => {
    const { code, stdout } = await admin('recordings', 'receipt-key');
    expect(code).toBe(0);
    const opened = await database.open();
    try {
      expect(JSON.parse(stdout)).toEqual((await loadReceiptSigner(opened.accounts)).publicKey);
    } finally {
      await opened.close();
    }
  });
});
