/**
 * `--redis-sentinel`: the node-redis Sentinel client, which asks the sentinels for the master,
 * follows a failover (the sentinels' `switch-master`, or a write refused as READONLY) and sends
 * what was waiting to the promoted replica. The rest of the cluster code speaks to one Redis
 * client; this presents the Sentinel client as one, its commands always going to the master.
 */
import { createSentinel } from 'redis';
import type { Logger } from '../log.ts';
import type { SentinelOptions } from './redis-config.ts';
import { connectWithin, type Redis } from './redis-client.ts';

const newSentinel = (options: SentinelOptions) =>
  createSentinel({
    name: options.masterName,
    sentinelRootNodes: options.nodes,
    nodeClientOptions: {
      ...(options.password ? { password: options.password } : {}),
      // As for one Redis (redis-client.ts): commands wait, in order, for the master to return.
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000) },
    },
  });
type Sentinel = ReturnType<typeof newSentinel>;

/**
 * The Sentinel client under the client's interface: `sendCommand` without the "read-only?"
 * argument (everything goes to the master: replicas lag), and `duplicate` handing out the same
 * view, with the `disconnect` the Socket.io adapter calls on its duplicates at shutdown.
 */
function asClient(sentinel: Sentinel): Redis {
  const view = new Proxy(sentinel, {
    get(target, property) {
      if (property === 'sendCommand') {
        return (args: string[], options?: Parameters<Sentinel['sendCommand']>[2]) =>
          target.sendCommand(false, args, options);
      }
      if (property === 'duplicate') return () => asClient(target.duplicate());
      if (property === 'disconnect') return () => target.destroy();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return view as unknown as Redis;
}

/** Connects through the sentinels, or fails after `timeoutMs` with a message fit for IT. */
export async function connectSentinel(
  options: SentinelOptions,
  log: Logger,
  timeoutMs = 10_000,
): Promise<Redis> {
  const sentinel = newSentinel(options);
  let down = false;
  // Once per outage, by name or code only. The Sentinel client also reports plain strings.
  sentinel.on('error', (error: unknown) => {
    const code =
      error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : 'sentinel';
    if (!down) log('redis.error', { error: code });
    down = true;
  });
  sentinel.on('ready', () => {
    if (down) log('redis.ready', {});
    down = false;
  });
  let connected = false;
  // A failover seen (the first master found, at connect, is not one).
  sentinel.on('topology-change', (event: { type: string }) => {
    if (connected && event.type === 'MASTER_CHANGE') log('redis.master-change', {});
  });
  await connectWithin(
    () => sentinel.connect(),
    () => void sentinel.destroy(),
    timeoutMs,
    `cannot reach the Redis master "${options.masterName}" through the sentinels (--redis-sentinel)`,
  );
  connected = true;
  return asClient(sentinel);
}
