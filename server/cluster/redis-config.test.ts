/**
 * Naming the shared Redis: one URL, or sentinels and a master name, from flags or RR_*
 * variables, with a sentence for each way to get it wrong (never echoing a password).
 */
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../config.ts';

describe('the Redis a node shares', () => {
  it('sentinels and a master name, from flags or the environment, the password from the environment only', () => {
    const flags = [
      '--redis-sentinel',
      '10.0.0.21:26379,sentinel-b.example:26380',
      '--redis-sentinel',
      '[fd00::23]:26379',
      '--redis-master-name',
      'advisor',
    ];
    expect(parseServerConfig(flags, { RR_REDIS_PASSWORD: 'pw' })).toMatchObject({
      redis: {
        sentinel: {
          nodes: [
            { host: '10.0.0.21', port: 26379 },
            { host: 'sentinel-b.example', port: 26380 },
            { host: 'fd00::23', port: 26379 },
          ],
          masterName: 'advisor',
          password: 'pw',
        },
        heartbeatMs: 1_000,
        callTtlMs: 60_000,
        timerLeaseMs: 10_000,
      },
    });
    const fromEnv = parseServerConfig([], {
      RR_REDIS_SENTINELS: '127.0.0.1:26379',
      RR_REDIS_MASTER_NAME: 'advisor',
    });
    expect(fromEnv).toMatchObject({
      redis: { sentinel: { nodes: [{ host: '127.0.0.1', port: 26379 }], masterName: 'advisor' } },
    });
    expect(fromEnv).not.toHaveProperty('redis.url');
    expect(fromEnv).not.toHaveProperty('redis.sentinel.password');
  });

  it('refuses a half-named or doubly-named Redis with a sentence', () => {
    expect(() =>
      parseServerConfig(['--redis-sentinel', '127.0.0.1:26379'], { RR_REDIS_URL: 'redis://x' }),
    ).toThrow('Name one Redis: either --redis or --redis-sentinel, not both.');
    expect(() => parseServerConfig(['--redis-sentinel', '127.0.0.1:26379'], {})).toThrow(
      /^--redis-sentinel needs --redis-master-name/,
    );
    expect(() => parseServerConfig(['--redis-master-name', 'advisor'], {})).toThrow(
      '--redis-master-name needs --redis-sentinel (the sentinels to ask).',
    );
    for (const bad of ['127.0.0.1', 'host:0', 'host:70000', ':26379', 'a b:1']) {
      expect(() =>
        parseServerConfig(['--redis-sentinel', bad, '--redis-master-name', 'm'], {}),
      ).toThrow(`--redis-sentinel takes host:port pairs; got "${bad}".`);
    }
  });
});
