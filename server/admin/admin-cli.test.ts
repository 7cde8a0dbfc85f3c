/**
 * The admin CLI run as its own process, as IT runs it, against the test run's store (the SQLite
 * data folder, or with RR_TEST_DATABASE=postgres the PostgreSQL database given as --database).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.ts';
import { tempDir } from '../testing/harness.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

const run = promisify(execFile);
const dataDir = tempDir('rr-admin-');
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(dataDir);
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the real CLI in its own process, as IT would. */
async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      'server/admin/cli.ts',
      ...database.args,
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('admin CLI', () => {
  it('round-trips users and circles', async () => {
    expect(
      (await admin('user', 'add', 'alice', '--password', 'alice-pass-1', '--name', 'Alice Advisor'))
        .code,
    ).toBe(0);
    expect((await admin('user', 'add', 'bob', '--password', 'bob-pass-12')).code).toBe(0);
    expect((await admin('circle', 'add', 'Wealth Team')).code).toBe(0);
    expect((await admin('circle', 'add-member', 'Wealth Team', 'alice')).code).toBe(0);
    expect((await admin('circle', 'add-member', 'Wealth Team', 'bob')).code).toBe(0);
    let list = await admin('list');
    expect(list.stdout).toContain('alice  Alice Advisor');
    expect(list.stdout).toContain('Wealth Team: alice, bob');

    expect((await admin('circle', 'remove-member', 'Wealth Team', 'bob')).code).toBe(0);
    expect((await admin('user', 'disable', 'bob')).code).toBe(0);
    list = await admin('list');
    expect(list.stdout).toContain('Wealth Team: alice\n');
    expect(list.stdout).toContain('bob  bob  [disabled]');

    expect((await admin('user', 'passwd', 'alice', '--password', 'new-password-9')).code).toBe(0);
    const opened = await database.open();
    const alice = (await opened.accounts.userByUsername('alice'))!;
    await opened.close();
    expect(await verifyPassword('new-password-9', alice.passwordHash)).toBe(true);
    expect(await verifyPassword('alice-pass-1', alice.passwordHash)).toBe(false);
  });

  it('fails with a clear message and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['user', 'add', 'alice', '--password', 'whatever-1'], /exists already/],
      [['user', 'add', 'carol'], /--password is required/],
      [['user', 'add', 'carol', '--password', 'short'], /8 to 200 characters/],
      [['user', 'add', 'Not Valid!', '--password', 'long-enough'], /Invalid username/],
      [['user', 'disable', 'nobody'], /No user named "nobody"/],
      [['circle', 'add-member', 'No Such Circle', 'alice'], /No circle named/],
      [['circle', 'remove-member', 'Wealth Team', 'bob'], /not in "Wealth Team"/],
      [['frobnicate'], /Unknown command/],
      [['user', 'add', 'x', '--bogus'], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const result = await admin(...args);
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    const noData = await run(process.execPath, ['server/admin/cli.ts', 'list']).catch(
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(noData).toMatchObject({ code: 2 });
    expect((noData as { stderr: string }).stderr).toMatch(/--data <dir> is required/);
  });
});
