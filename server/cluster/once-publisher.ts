/**
 * The Socket.io adapter's Redis client, made to publish each message exactly once across a
 * Redis restart. When the connection drops under an XADD we cannot tell whether Redis ran it:
 * giving up would lose the message, sending it again could deliver it twice. So each entry
 * carries a random tag (the adapter ignores extra fields), and the retry is a script that adds
 * it only if none of the stream's latest entries has that tag already.
 *
 * That check cannot see an entry a failed master took with it: a Sentinel failover can lose the
 * last entries Redis had not yet copied to the replica, after another node had already read and
 * delivered them. The retry then adds the message again. So the adapter's reading client (made by
 * `duplicate()`) also drops an entry whose tag it has read before.
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
type StreamReply = { messages: { message: Record<string, string> }[] }[] | null;

/** How many tags a reader remembers: more than a failover can lose. */
const REMEMBERED = 10_000;

/** A client whose XREAD blanks entries it has read before (the adapter skips entries without `nsp` and still moves past them). */
function onceReader(client: Redis): Redis {
  const seen = new Set<string>();
  const xRead = async (...args: Parameters<Redis['xRead']>) => {
    const reply = (await client.xRead(...args)) as StreamReply;
    for (const entry of reply?.flatMap((stream) => stream.messages) ?? []) {
      const tag = entry.message[TAG];
      if (tag === undefined) continue;
      if (seen.has(tag)) entry.message = {};
      else seen.add(tag);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value as string);
    }
    return reply;
  };
  return overriding(client, { xRead });
}

/** The client with some of its methods replaced; every other one bound to it. */
function overriding(client: Redis, methods: Record<string, unknown>): Redis {
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === 'string' && property in methods) return methods[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

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
  // The adapter makes its reading client with `duplicate()`, without arguments.
  const duplicate = () => onceReader(client.duplicate());
  return overriding(client, { xAdd, duplicate });
}
