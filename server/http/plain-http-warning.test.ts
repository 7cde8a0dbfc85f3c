/**
 * The start-up warning for plain HTTP on an address other machines can reach: the decision on
 * its own (host and TLS in, sentence or nothing out), and the real startNode writing it, or not.
 * Nothing here binds anything but loopback: the 0.0.0.0 start fails on its database (no signing
 * key, and told not to make one) before it listens, after the warning that comes first.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServerConfig, type ServerConfig } from '../config.ts';
import { openNodeDatabase, startNode } from '../node.ts';
import { openDatabase } from '../storage/database.ts';
import { tempDir } from '../testing/harness.ts';
import { isLoopbackHost, plainHttpWarning } from './plain-http-warning.ts';

describe('the plain-HTTP warning', () => {
  it('warns for every address other machines may reach, when there is no TLS', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '192.168.1.20',
      '10.0.0.5',
      'fe80::1',
      'advisor.firm.example',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
      expect(plainHttpWarning(host, false)).toMatch(/not a loopback address.*--tls-cert/);
      expect(plainHttpWarning(host, true)).toBeUndefined();
    }
  });

  it('stays quiet on loopback, with or without TLS', () => {
    for (const host of [
      '127.0.0.1',
      '127.10.20.30',
      '::1',
      '::ffff:127.0.0.1',
      'localhost',
      'LOCALHOST',
    ]) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(plainHttpWarning(host, false)).toBeUndefined();
    }
  });
});

describe('startNode', () => {
  let dir: string;
  let config: ServerConfig;
  beforeAll(() => {
    dir = tempDir('rr-warn-');
    const parsed = parseServerConfig(['--port', '0', '--data', join(dir, 'data'), '--quiet'], {});
    if (parsed === 'help') throw new Error('unreachable');
    config = parsed;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes no warning on 127.0.0.1', async () => {
    const lines: string[] = [];
    const node = await startNode(config, await openNodeDatabase(config), (line) =>
      lines.push(line),
    );
    await node.stop();
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(lines.join('')).not.toContain('server.plain-http');
  });

  it('writes the warning for 0.0.0.0 without TLS, even with --quiet, before anything else', async () => {
    const lines: string[] = [];
    // A database without keys, and a node that may not make them: it fails before it listens.
    const database = await openDatabase({ dataDir: join(dir, 'keyless'), seedKeys: false });
    await expect(
      startNode({ ...config, host: '0.0.0.0', requireSharedKeys: true }, database, (line) =>
        lines.push(line),
      ),
    ).rejects.toThrow(/holds no token signing key/);
    await database.close();
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'server.plain-http', host: '0.0.0.0' });
    expect(line.message).toMatch(/without TLS/);
  });
});
