/**
 * `--demo` through the real CLI: it seeds an empty database once, prints the logins, and on a
 * database that has users (its own or IT's) says so and adds nothing.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from './auth/passwords.ts';
import { loginAt } from './testing/cluster-nodes.ts';
import { tempDir } from './testing/harness.ts';
import { printedLogins, startCli, type ServerProcess } from './testing/server-process.ts';
import { createTestDatabase, type TestDatabase } from './testing/test-database.ts';

const REFUSED = '--demo: the database has users already; no demo data added.';

let dataDir: string;
let database: TestDatabase;
const running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (args: string[]) => {
  const server = await startCli([...database.args, '--quiet', ...args]);
  running.push(server);
  return server;
};

/** A new, empty database (the test run's kind) in a new data folder. */
async function fresh(): Promise<void> {
  dataDir = tempDir('rr-demo-');
  database = await createTestDatabase(dataDir);
}

/** What the database holds, read after the server stopped. */
async function contents() {
  const { accounts, close } = await database.open();
  try {
    const circles = (await accounts.listCircles()).map((c) => c.name);
    return { users: await accounts.countUsers(), circles };
  } finally {
    await close();
  }
}

describe('--demo', () => {
  it('seeds an empty database with one circle and two advisors whose printed logins work', async () => {
    await fresh();
    const server = await start(['--demo']);
    expect(server.output()).toContain('Demo data added (circle "Demo Circle")');
    const logins = printedLogins(server.output());
    expect([...logins.keys()]).toEqual(['avery', 'blake']);
    for (const [username, password] of logins) {
      expect((await loginAt(server.url, username, password)).user.username).toBe(username);
    }
    await server.stop();
    expect(await contents()).toEqual({ users: 2, circles: ['Demo Circle'] });
  });

  it('on its second start refuses with a clear message, adds nothing and keeps the passwords', async () => {
    await fresh();
    const first = await start(['--demo']);
    const logins = printedLogins(first.output());
    await first.stop();
    const second = await start(['--demo']);
    expect(second.output()).toContain(REFUSED);
    expect(second.output()).not.toContain('Demo data added');
    expect(printedLogins(second.output()).size).toBe(0);
    expect((await loginAt(second.url, 'avery', logins.get('avery'))).user.username).toBe('avery');
    await second.stop();
    expect(await contents()).toEqual({ users: 2, circles: ['Demo Circle'] });
  });

  it("refuses on a database with IT's own users, and adds no demo circle or advisor", async () => {
    await fresh();
    const { accounts, close } = await database.open();
    await accounts.createUser({
      username: 'jdoe',
      displayName: 'Jane Doe',
      passwordHash: await hashPassword('S3cure-Initial-Pw'),
    });
    await close();
    const server = await start(['--demo']);
    expect(server.output()).toContain(REFUSED);
    await server.stop();
    expect(await contents()).toEqual({ users: 1, circles: [] });
  });
});
