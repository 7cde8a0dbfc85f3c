/**
 * The call registry in Redis, shared by every node. A call is one JSON value (`rr:call:<id>`) and
 * each party points at it (`rr:user-call:<userId>`). Adding, replacing and removing are Lua
 * scripts, so "a second call to a user in a call is busy" and "only one answer wins" hold across
 * nodes. Only ids and socket ids are stored; no SDP, no names.
 */
import type { AddResult, CallRecord, CallRegistry } from '../calls/registry.ts';
import { speaksIn } from '../calls/registry.ts';
import { retrying, script, type Redis } from './redis-client.ts';

const callKey = (id: string): string => `rr:call:${id}`;
const userKey = (userId: string): string => `rr:user-call:${userId}`;

/** Always the same field order, so that a stored value compares equal to a re-encoded one. */
const encode = (c: CallRecord): string =>
  JSON.stringify({
    id: c.id,
    caller: c.caller,
    callerSocket: c.callerSocket,
    callee: c.callee,
    calleeSocket: c.calleeSocket,
    state: c.state,
    startedAt: c.startedAt,
  });
const decode = (raw: unknown): CallRecord | undefined =>
  typeof raw === 'string' ? (JSON.parse(raw) as CallRecord) : undefined;

const ADD = `
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 'busy' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'taken' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[2])
return 'added'`;

const CALL_OF = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('GET', ARGV[1] .. id)`;

const REPLACE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

const REMOVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if redis.call('GET', KEYS[i]) == ARGV[2] then redis.call('DEL', KEYS[i]) end
end
return 1`;

export function createRedisCallRegistry(client: Redis): CallRegistry {
  const add = script(client, ADD);
  const callOfScript = script(client, CALL_OF);
  const replace = script(client, REPLACE);
  const remove = script(client, REMOVE);
  const callOf = async (userId: string) =>
    decode(await retrying(() => callOfScript([userKey(userId)], ['rr:call:'])));

  return {
    add: async (call) =>
      (await add(
        [callKey(call.id), userKey(call.caller), userKey(call.callee)],
        [encode(call), call.id],
      )) as AddResult,
    get: async (callId) => decode(await retrying(() => client.get(callKey(callId)))),
    callOf,
    async callOfSocket(userId, socketId) {
      const call = await callOf(userId);
      return call && speaksIn(call, userId, socketId) ? call : undefined;
    },
    replace: async (current, next) =>
      (await replace([callKey(current.id)], [encode(current), encode(next)])) === 1,
    remove: async (call) =>
      (await remove(
        [callKey(call.id), userKey(call.caller), userKey(call.callee)],
        [encode(call), call.id],
      )) === 1,
  };
}
