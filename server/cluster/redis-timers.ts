/**
 * Call timers in Redis: a sorted set of jobs by due time (Redis's clock). Every node polls it and
 * claims due jobs in one script (read and remove together), so each job runs exactly once, on
 * whichever node is alive then: a ring timeout or reconnect grace set by a node that has since
 * died still fires.
 */
import type { TimerFactory } from '../calls/timers.ts';
import type { Logger } from '../log.ts';
import { LUA_NOW, retrying, script, type Redis } from './redis-client.ts';

const KEY = 'rr:timers';

const SET = `${LUA_NOW}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])`;

const CLAIM = `${LUA_NOW}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100)
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due`;

export function createRedisTimers(client: Redis, pollMs: number, log: Logger): TimerFactory {
  const set = script(client, SET);
  const claim = script(client, CLAIM);
  return (onDue) => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const poll = async (): Promise<void> => {
      try {
        const due = (await claim([KEY], [])) as string[];
        // Each job is its own call; one failing must not hold back the others.
        await Promise.all(due.map((job) => onDue(job)));
      } catch (error) {
        log('cluster.timer-poll-failed', { error: (error as Error).name });
      }
      if (!stopped) timer = setTimeout(() => void poll(), pollMs);
    };
    timer = setTimeout(() => void poll(), pollMs);
    return {
      set: async (job, delayMs) => {
        await retrying(() => set([KEY], [job, delayMs]));
      },
      clear: async (job) => {
        await retrying(() => client.zRem(KEY, job));
      },
      close() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };
}
