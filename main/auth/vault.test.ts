/**
 * The vault against a real Secret Service (gnome-keyring in a private D-Bus session, see
 * scripts/keyring-session), and against no keychain at all.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeychainVault, serviceFor, type StoredSession } from './vault.ts';

const run = promisify(execFile);
const vault = createKeychainVault(keytar);
const SERVER = 'https://advisor.example.test:8443';

const session = (username: string, n: number): StoredSession => ({
  accessToken: `access-${username}-${n}`,
  refreshToken: `refresh-${username}-${n}`,
  accessExpiresAt: 1_800_000_000_000 + n,
  user: { id: `id-${username}`, username, displayName: `${username} Tester` },
});

afterEach(async () => {
  await vault.clear(SERVER);
  await vault.clear('https://other.example.test');
});

describe('token vault (real keychain)', () => {
  it('stores, reads, replaces and deletes a session', async () => {
    expect(await vault.read(SERVER)).toBeNull();
    await vault.write(SERVER, session('alice', 1));
    expect(await vault.read(SERVER)).toEqual(session('alice', 1));
    await vault.write(SERVER, session('alice', 2));
    expect(await vault.read(SERVER)).toEqual(session('alice', 2));
    // Another account on the same server replaces the first: one session per server.
    await vault.write(SERVER, session('bob', 3));
    expect(await vault.read(SERVER)).toEqual(session('bob', 3));
    expect(await keytar.findCredentials(serviceFor(SERVER))).toHaveLength(1);
    await vault.clear(SERVER);
    expect(await vault.read(SERVER)).toBeNull();
    expect(await keytar.findCredentials(serviceFor(SERVER))).toEqual([]);
  });

  it('keeps servers apart', async () => {
    await vault.write(SERVER, session('alice', 1));
    await vault.write('https://other.example.test', session('carol', 4));
    expect((await vault.read(SERVER))?.user.username).toBe('alice');
    expect((await vault.read('https://other.example.test/some/path'))?.user.username).toBe('carol');
  });

  it('ignores a damaged entry instead of failing', async () => {
    await keytar.setPassword(serviceFor(SERVER), 'mallory', '{not json');
    expect(await vault.read(SERVER)).toBeNull();
  });

  it('without a keychain: a clear keychain-unavailable error and nothing written anywhere', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rr-nokeychain-'));
    try {
      const { stdout } = await run(process.execPath, ['main/auth/testing/vault-probe.ts'], {
        cwd: process.cwd(),
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          XDG_DATA_HOME: join(home, 'data'),
          XDG_CONFIG_HOME: join(home, 'config'),
          XDG_RUNTIME_DIR: home,
          DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`,
        },
      });
      const result = JSON.parse(stdout) as {
        write: { code: string; message: string };
        read: { code: string };
      };
      expect(result.write.code).toBe('keychain-unavailable');
      expect(result.write.message).toMatch(/system keychain is not available/);
      expect(result.write.message).toMatch(/GNOME Keyring or KWallet/);
      expect(result.read.code).toBe('keychain-unavailable');
      expect(stdout).not.toContain('access-probe');
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
