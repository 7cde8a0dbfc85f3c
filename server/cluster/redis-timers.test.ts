/**
 * The Redis call timers against a real redis-server: a job leaves Redis only once its handler
 * has run; one whose handler never finished runs again after the lease; and an acknowledgement
 * Redis refuses (writes refused for want of replicas, as a master can) is retried, so the job
 * neither stays behind nor runs twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { sleep } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { connectRedis, type Redis } from './redis-client.ts';
import { createRedisTimers } from './redis-timers.ts';

const POLL_MS = 20;
const LEASE_MS = 300;

let redis: RedisProcess;
let client: Redis;
let admin: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = await connectRedis(redis.url, silentLogger);
  admin = await connectRedis(redis.url, silentLogger);
});
afterAll(async () => {
  await client.close();
  await admin.close();
  await redis.close();
});

const leased = async (job: string) => (await admin.zScore('rr:timers:running', job)) !== null;

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('Redis call timers', () => {
  it('a job is leased while its handler runs and leaves Redis once it has run, once', async () => {
    const runs: string[] = [];
    let finish: () => void = () => undefined;
    const timers = createRedisTimers(
      client,
      { pollMs: POLL_MS, leaseMs: 5_000 },
      silentLogger,
    )((job) => {
      runs.push(job);
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    });
    try {
      await timers.set('test:leased', 0);
      await until(() => runs.length === 1);
      expect(await leased('test:leased')).toBe(true);
      finish();
      await until(async () => !(await leased('test:leased')));
      await sleep(10 * POLL_MS);
      expect(runs).toEqual(['test:leased']);
    } finally {
      timers.close();
    }
  });

  it('a job whose handler never finished (its node stalled or died) runs again after the lease', async () => {
    const stalled = createRedisTimers(
      client,
      { pollMs: POLL_MS, leaseMs: LEASE_MS },
      silentLogger,
    )(() => new Promise<void>(() => undefined));
    const ran: string[] = [];
    let other: ReturnType<ReturnType<typeof createRedisTimers>> | undefined;
    try {
      await stalled.set('test:stalled', 0);
      await until(() => leased('test:stalled'));
      stalled.close();
      other = createRedisTimers(
        client,
        { pollMs: POLL_MS, leaseMs: LEASE_MS },
        silentLogger,
      )((job) => {
        ran.push(job);
        return Promise.resolve();
      });
      await until(() => ran.length === 1);
      expect(ran).toEqual(['test:stalled']);
      await until(async () => !(await leased('test:stalled')));
    } finally {
      stalled.close();
      other?.close();
    }
  });

  it('an acknowledgement Redis refuses is retried: the job leaves Redis and does not run again', async () => {
    const logged: string[] = [];
    const log: Logger = (event) => {
      logged.push(event);
    };
    let runs = 0;
    const timers = createRedisTimers(
      client,
      { pollMs: POLL_MS, leaseMs: LEASE_MS },
      log,
    )(async () => {
      runs++;
      // From now on Redis refuses every write (NOREPLICAS): the acknowledgement fails.
      await admin.configSet('min-replicas-to-write', '1');
    });
    try {
      await timers.set('test:refused', 0);
      await until(() => logged.includes('cluster.timer-ack-failed'));
      expect(await leased('test:refused')).toBe(true);
      await admin.configSet('min-replicas-to-write', '0');
      await until(async () => !(await leased('test:refused')));
      // Well past the lease: had the acknowledgement been dropped, the job would run again.
      await sleep(LEASE_MS + 10 * POLL_MS);
      expect(runs).toBe(1);
    } finally {
      await admin.configSet('min-replicas-to-write', '0');
      timers.close();
    }
  });
});
