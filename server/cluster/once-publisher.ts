/**
 * The Socket.io adapter's Redis client, made to publish each message exactly once across a
 * Redis restart. When the connection drops under an XADD we cannot tell whether Redis ran it:
 * giving up would lose the message, sending it again could deliver it twice. So each entry
 * carries a random tag (the adapter ignores extra fields), and the retry is a script that adds
 * it only if none of the stream's latest entries has that tag already.
 */
import { randomUUID } from 'node:crypto';
import { isConnectionError, retrying, script, type Redis } from './redis-client.ts';

const TAG = 'rr-tag';
/** Far more than can be appended between a dropped XADD and its retry. */
const LOOK_BACK = 1_000;

const ADD_ONCE = `
local recent = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', tonumber(ARGV[1]))
for _, entry in ipairs(recent) do
  local fields = entry[2]
  for i = 1, #fields, 2 do
    if fields[i] == '${TAG}' and fields[i + 1] == ARGV[3] then return entry[1] end
  end
end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 4))`;

type XAdd = Redis['xAdd'];

export function oncePublisher(client: Redis): Redis {
  const addOnce = script(client, ADD_ONCE);
  const xAdd = async (...[key, id, message, options]: Parameters<XAdd>) => {
    const tag = randomUUID();
    const tagged = { ...message, [TAG]: tag };
    try {
      return await client.xAdd(key, id, tagged, options);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      const fields = Object.entries(tagged).flatMap(([k, v]) => [k, v]);
      const maxLen = options?.TRIM?.threshold ?? 10_000;
      return String(
        await retrying(() => addOnce([key.toString()], [LOOK_BACK, maxLen, tag, ...fields])),
      );
    }
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'xAdd') return xAdd;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
