/**
 * One cluster node as its own process, for the cluster tests: the real startNode with the real
 * flags (`--redis` or `--redis-sentinel` among them), plus test timings from RR_TEST_TIMINGS
 * (JSON), which production has no way to set. Prints "listening on <url>" like the CLI.
 *
 * RR_TEST_STALL_TIMERS=<kind> makes the node claim timer jobs of that kind (`ring`, `grace`…)
 * and then hang instead of running them, printing "stalled <job>": the test kills it there, as
 * a node that dies between taking a job and finishing it.
 */
import { parseServerConfig, type RedisOptions, type ServerConfig } from '../config.ts';
import { openNodeDatabase, startNode } from '../node.ts';
import type { SharedState } from '../shared-state.ts';

type Timings = Partial<Pick<ServerConfig, 'ringTimeoutMs' | 'disconnectGraceMs'>> &
  Partial<Omit<RedisOptions, 'url' | 'sentinel'>>;

const parsed = parseServerConfig(process.argv.slice(2));
if (parsed === 'help' || !parsed.redis) throw new Error('cluster-node needs --redis');
const timings = JSON.parse(process.env.RR_TEST_TIMINGS ?? '{}') as Timings;
const { ringTimeoutMs, disconnectGraceMs, ...redisTimings } = timings;
const config: ServerConfig = {
  ...parsed,
  ...(ringTimeoutMs === undefined ? {} : { ringTimeoutMs }),
  ...(disconnectGraceMs === undefined ? {} : { disconnectGraceMs }),
  redis: { ...parsed.redis, ...redisTimings },
};

const stallKind = process.env.RR_TEST_STALL_TIMERS;
const stallTimers = (state: SharedState): SharedState =>
  stallKind
    ? {
        ...state,
        timers: (onDue) =>
          state.timers((job) => {
            if (!job.startsWith(`${stallKind}:`)) return onDue(job);
            console.log(`stalled ${job}`);
            return new Promise<void>(() => undefined);
          }),
      }
    : state;

const node = await startNode(config, await openNodeDatabase(config), undefined, stallTimers);
console.log(`listening on ${node.url}`);
process.once('SIGTERM', () => {
  void node.stop().then(() => process.exit(0));
});
