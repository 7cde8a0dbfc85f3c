/**
 * One cluster node as its own process, for the cluster tests: the real startNode with the real
 * flags (`--redis` among them), plus test timings from RR_TEST_TIMINGS (JSON), which production
 * has no way to set. Prints "listening on <url>" like the CLI.
 */
import { parseServerConfig, type RedisOptions, type ServerConfig } from '../config.ts';
import { startNode } from '../node.ts';
import { openSqliteStore } from '../storage/sqlite-store.ts';

type Timings = Partial<Pick<ServerConfig, 'ringTimeoutMs' | 'disconnectGraceMs'>> &
  Partial<Omit<RedisOptions, 'url'>>;

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
const node = await startNode(config, openSqliteStore(config.dataDir));
console.log(`listening on ${node.url}`);
process.once('SIGTERM', () => {
  void node.stop().then(() => process.exit(0));
});
