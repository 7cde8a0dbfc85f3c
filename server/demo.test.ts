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
import { openSqliteStore } from './storage/sqlite-store.ts';

const REFUSED = '--demo: the database has users already; no demo data added.';

let dataDir: string;
const running: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (args: string[]) => {
  const server = await startCli(['--data', dataDir, '--quiet', ...args]);
  running.push(server);
  return server;
};

/** What the data folder holds, read after the server stopped. */
function contents() {
  const store = openSqliteStore(dataDir);
  try {
    return { users: store.countUsers(), circles: store.listCircles().map((c) => c.name) };
  } finally {
    store.close();
  }
}

describe('--demo', () => {
  it('seeds an empty database with one circle and two advisors whose printed logins work', async () => {
    dataDir = tempDir('rr-demo-');
    const server = await start(['--demo']);
    expect(server.output()).toContain('Demo data added (circle "Demo Circle")');
    const logins = printedLogins(server.output());
    expect([...logins.keys()]).toEqual(['avery', 'blake']);
    for (const [username, password] of logins) {
      expect((await loginAt(server.url, username, password)).user.username).toBe(username);
    }
    await server.stop();
    expect(contents()).toEqual({ users: 2, circles: ['Demo Circle'] });
  });

  it('on its second start refuses with a clear message, adds nothing and keeps the passwords', async () => {
    dataDir = tempDir('rr-demo-');
    const first = await start(['--demo']);
    const logins = printedLogins(first.output());
    await first.stop();
    const second = await start(['--demo']);
    expect(second.output()).toContain(REFUSED);
    expect(second.output()).not.toContain('Demo data added');
    expect(printedLogins(second.output()).size).toBe(0);
    expect((await loginAt(second.url, 'avery', logins.get('avery'))).user.username).toBe('avery');
    await second.stop();
    expect(contents()).toEqual({ users: 2, circles: ['Demo Circle'] });
  });

  it("refuses on a database with IT's own users, and adds no demo circle or advisor", async () => {
    dataDir = tempDir('rr-demo-');
    const store = openSqliteStore(dataDir);
    store.createUser({
      username: 'jdoe',
      displayName: 'Jane Doe',
      passwordHash: await hashPassword('S3cure-Initial-Pw'),
    });
    store.close();
    const server = await start(['--demo']);
    expect(server.output()).toContain(REFUSED);
    await server.stop();
    expect(contents()).toEqual({ users: 1, circles: [] });
  });
});
