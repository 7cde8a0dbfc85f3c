import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import {
  ConfigError,
  DEFAULT_GUEST_PAGE_DIR,
  defaultDataDir,
  parseServerConfig,
} from './config.ts';

describe('server configuration', () => {
  it('has safe defaults: loopback, port 3001, 10-minute access tokens, 30 s ring', () => {
    const config = parseServerConfig([], { XDG_DATA_HOME: '/tmp/xdg' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3001,
      dataDir: '/tmp/xdg/richesreach-advisor-server',
      accessTtlSeconds: 600,
      ringTimeoutMs: 30_000,
      origins: [],
    });
  });

  it('reads flags over environment', () => {
    const config = parseServerConfig(
      ['--port', '4000', '--origin', 'https://a.example,https://b.example'],
      {
        RR_PORT: '5000',
        RR_HOST: '::1',
        RR_TURN_URLS: 'turn:t.example:3478',
        RR_TURN_SECRET: 'x',
      },
    );
    expect(config).toMatchObject({
      port: 4000,
      host: '::1',
      origins: ['https://a.example', 'https://b.example'],
      ice: { turnUrls: ['turn:t.example:3478'], turnSecret: 'x' },
    });
  });

  it('refuses bad values with a clear message', () => {
    expect(() => parseServerConfig(['--port', 'http'], {})).toThrow(ConfigError);
    expect(() => parseServerConfig(['--access-ttl', '3600'], {})).toThrow(/from 5 to 600/);
    expect(() => parseServerConfig(['--tls-cert', 'a.pem'], {})).toThrow(
      /both --tls-cert and --tls-key/,
    );
    expect(() => parseServerConfig(['--turn', 'turn:x:3478'], {})).toThrow(/RR_TURN_SECRET/);
    expect(() => parseServerConfig(['--stun', 'http://x'], {})).toThrow(/Not a STUN\/TURN URL/);
    expect(() => parseServerConfig(['--nope'], {})).toThrow(/Unknown option/);
    expect(() => parseServerConfig(['--relay-only'], {})).toThrow(/--relay-only needs TURN URLs/);
  });

  it('runs alone unless --redis or RR_REDIS_URL names a Redis to share with other nodes', () => {
    expect(parseServerConfig([], {})).not.toHaveProperty('redis');
    expect(parseServerConfig(['--redis', 'redis://10.0.0.5:6379'], {})).toMatchObject({
      redis: { url: 'redis://10.0.0.5:6379', heartbeatMs: 1_000, deadAfterMs: 5_000 },
    });
    expect(parseServerConfig([], { RR_REDIS_URL: 'rediss://:pw@r.example:6380' })).toMatchObject({
      redis: { url: 'rediss://:pw@r.example:6380' },
    });
    // The refusal does not repeat the value: it may hold a password.
    expect(() => parseServerConfig(['--redis', 'http://:secret@x'], {})).toThrow(
      /^--redis must be a redis:\/\/ or rediss:\/\/ URL\.$/,
    );
  });

  it('trusts no proxy unless --trust-proxy or RR_TRUST_PROXY lists exact addresses', () => {
    expect(parseServerConfig([], {})).toMatchObject({ trustProxies: [] });
    expect(
      parseServerConfig(['--trust-proxy', '10.0.0.2,::ffff:10.0.0.3', '--trust-proxy', '::1'], {
        RR_TRUST_PROXY: '10.9.9.9',
      }),
    ).toMatchObject({ trustProxies: ['10.0.0.2', '10.0.0.3', '::1'] });
    expect(parseServerConfig([], { RR_TRUST_PROXY: '10.0.0.2, 10.0.0.4' })).toMatchObject({
      trustProxies: ['10.0.0.2', '10.0.0.4'],
    });
    expect(() => parseServerConfig(['--trust-proxy', '10.0.0.0/8'], {})).toThrow(/IP addresses/);
    expect(() => parseServerConfig([], { RR_TRUST_PROXY: 'proxy.local' })).toThrow(/IP addresses/);
  });

  it('serves the guest page from the vite build unless --guest-page-dir or RR_GUEST_PAGE_DIR says otherwise', () => {
    expect(DEFAULT_GUEST_PAGE_DIR).toBe(resolve(import.meta.dirname, '..', '.vite', 'guest'));
    expect(parseServerConfig([], {})).toMatchObject({ guestPageDir: DEFAULT_GUEST_PAGE_DIR });
    expect(parseServerConfig([], { RR_GUEST_PAGE_DIR: '/srv/guest' })).toMatchObject({
      guestPageDir: '/srv/guest',
    });
    expect(
      parseServerConfig(['--guest-page-dir', 'rel/guest'], { RR_GUEST_PAGE_DIR: '/srv/guest' }),
    ).toMatchObject({ guestPageDir: resolve('rel/guest') });
  });

  it('puts data in the per-OS app-data folder', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toContain(
      'richesreach-advisor-server',
    );
    expect(defaultDataDir({}, 'darwin')).toContain(
      'Library/Application Support/richesreach-advisor-server',
    );
  });
});
