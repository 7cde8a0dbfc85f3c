/**
 * Call timers in Redis: a sorted set of jobs by due time (Redis's clock), polled by every node,
 * so that a ring timeout or reconnect grace set by a node that has since died still fires.
 *
 * At least once: claiming a job moves it, in one script, from the due set to a running set with
 * a lease (a deadline); it leaves the running set only once its handler has finished. A node that
 * dies or stalls mid-run leaves the job behind, and when the lease runs out whichever node polls
 * next claims it and runs it again. A handler that throws is not acknowledged either, so it is
 * run again after the lease. An acknowledgement Redis refused is retried at every poll.
 *
 * A handler (server/calls/departures.ts) may therefore run twice, and each is safe to: `ring`
 * drops the invitee only while they still ring, `grace` removes the participant only while the
 * socket that left still speaks for them (both compare-and-sets on the call as read, which a
 * second run finds done and leaves alone); `rering` rings the away participant's devices once
 * more (an app already back in that call ignores it) and sets its next job, replacing the first.
 */
import type { TimerFactory } from '../calls/timers.ts';
import type { Logger } from '../log.ts';
import { LUA_NOW, retrying, script, type Redis } from './redis-client.ts';

const DUE = 'rr:timers';
const RUNNING = 'rr:timers:running';
/** Jobs claimed per poll, at most. */
const BATCH = 100;

const SET = `${LUA_NOW}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])`;

// KEYS: due, running. ARGV: lease (ms), batch. Returns {deadline, jobs}: the jobs due and the
// jobs whose lease ran out, each now leased to the caller until the deadline.
const CLAIM = `${LUA_NOW}
local deadline = now + tonumber(ARGV[1])
local jobs, taken = {}, {}
local function take(list)
  for _, job in ipairs(list) do
    if not taken[job] then
      taken[job] = true
      table.insert(jobs, job)
      redis.call('ZADD', KEYS[2], deadline, job)
    end
  end
end
take(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2])))
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
take(due)
return {tostring(deadline), jobs}`;

// KEYS: running. ARGV: job, deadline. Only the claim it was leased under: if the lease ran out
// and another node claimed the job again, that run is the one to acknowledge it.
const ACK = `
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 1`;

// KEYS: due, running. ARGV: job.
const CLEAR = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

export function createRedisTimers(
  client: Redis,
  options: { pollMs: number; leaseMs: number },
  log: Logger,
): TimerFactory {
  const set = script(client, SET);
  const claim = script(client, CLAIM);
  const ack = script(client, ACK);
  const clear = script(client, CLEAR);
  return (onDue) => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    // Finished jobs whose acknowledgement failed: job → the deadline it was claimed under.
    const unacked = new Map<string, string>();
    const acknowledge = async (job: string, deadline: string): Promise<void> => {
      try {
        await ack([RUNNING], [job, deadline]);
        unacked.delete(job);
      } catch (error) {
        if (!unacked.has(job)) log('cluster.timer-ack-failed', { error: (error as Error).name });
        unacked.set(job, deadline);
      }
    };
    const run = async (job: string, deadline: string): Promise<void> => {
      try {
        await onDue(job);
      } catch (error) {
        // Left leased: it runs again, here or on another node, once the lease is over.
        log('cluster.timer-failed', { error: (error as Error).name });
        return;
      }
      await acknowledge(job, deadline);
    };
    const poll = async (): Promise<void> => {
      try {
        for (const [job, deadline] of unacked) await acknowledge(job, deadline);
        const [deadline, due] = (await claim([DUE, RUNNING], [options.leaseMs, BATCH])) as [
          string,
          string[],
        ];
        // Each job is its own call; one failing must not hold back the others.
        await Promise.all(due.map((job) => run(job, deadline)));
      } catch (error) {
        log('cluster.timer-poll-failed', { error: (error as Error).name });
      }
      if (!stopped) timer = setTimeout(() => void poll(), options.pollMs);
    };
    timer = setTimeout(() => void poll(), options.pollMs);
    return {
      set: async (job, delayMs) => {
        await retrying(() => set([DUE], [job, delayMs]));
      },
      clear: async (job) => {
        await retrying(() => clear([DUE, RUNNING], [job]));
      },
      close() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  };
}
