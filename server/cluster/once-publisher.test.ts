import { SocketClosedUnexpectedlyError } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { oncePublisher } from './once-publisher.ts';
import { connectRedis, type Redis } from './redis-client.ts';

let redis: RedisProcess;
let client: Redis;
beforeAll(async () => {
  redis = await startRedis();
  client = await connectRedis(redis.url, silentLogger);
});
afterAll(async () => {
  await client.close();
  await redis.close();
});

/** The client, but its XADD loses the connection: after Redis ran the command, or before. */
const droppingXAdd = (ranFirst: boolean): Redis =>
  new Proxy(client, {
    get(target, property) {
      if (property === 'xAdd') {
        return async (...args: Parameters<Redis['xAdd']>) => {
          if (ranFirst) await target.xAdd(...args);
          throw new SocketClosedUnexpectedlyError();
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });

describe('publishing to the adapter stream across a dropped connection', () => {
  it('adds the entry once when Redis ran the XADD whose answer was lost', async () => {
    const id = await oncePublisher(droppingXAdd(true)).xAdd('s1', '*', { uid: 'u', data: '1' });
    const entries = (await client.xRange('s1', '-', '+')) ?? [];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.id).toBe(id);
    expect(entries[0]?.message).toMatchObject({ uid: 'u', data: '1' });
  });

  it('adds the entry when the XADD never ran', async () => {
    await oncePublisher(droppingXAdd(false)).xAdd('s2', '*', { uid: 'u', data: '2' });
    expect(await client.xRange('s2', '-', '+')).toHaveLength(1);
  });

  it('passes every other command through to the client', async () => {
    const publisher = oncePublisher(client);
    await publisher.xAdd('s3', '*', { uid: 'u', data: '3' });
    expect(await publisher.xLen('s3')).toBe(1);
  });

  it('reads an entry added twice (the first copy lost with a failed master) only once', async () => {
    // As after a failover: the retry found no copy on the new master and added the tag again.
    const tagged = { uid: 'u', nsp: '/', data: '4', 'rr-tag': 'same-tag' };
    await client.xAdd('s4', '*', tagged);
    await client.xAdd('s4', '*', { uid: 'u', nsp: '/', data: '5', 'rr-tag': 'other-tag' });
    await client.xAdd('s4', '*', tagged);
    const reader = oncePublisher(client).duplicate();
    await reader.connect();
    try {
      const reply = await reader.xRead([{ key: 's4', id: '0' }], { COUNT: 10 });
      const messages = (reply as { messages: { message: Record<string, string> }[] }[])[0]
        ?.messages;
      // Three entries still come back, so the adapter's offset moves past all of them; the
      // repeat is blank, and the adapter skips an entry without a namespace.
      expect(messages?.map((entry) => entry.message.data)).toEqual(['4', '5', undefined]);
    } finally {
      await reader.close();
    }
  });
});
