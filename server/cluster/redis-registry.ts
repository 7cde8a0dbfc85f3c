/**
 * The call registry in Redis, shared by every node. A call is one JSON value (`rr:call:<id>`) and
 * each party points at it (`rr:user-call:<userId>`). Adding, replacing and removing are Lua
 * scripts, so "a second call to a user in a call is busy" and "only one answer wins" hold across
 * nodes. Only ids and socket ids are stored; no SDP, no names.
 */
import type { AddResult, CallRecord, CallRegistry, ResumeClaim } from '../calls/registry.ts';
import { speaksIn } from '../calls/registry.ts';
import { retrying, script, type Redis } from './redis-client.ts';

const callKey = (id: string): string => `rr:call:${id}`;
const userKey = (userId: string): string => `rr:user-call:${userId}`;
/** One resume claim per user (see ResumeClaim), expiring on its own. */
const claimKey = (userId: string): string => `rr:resume:${userId}`;

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
const encodeClaim = (c: ResumeClaim): string =>
  JSON.stringify({ callId: c.callId, userId: c.userId, to: c.to, socketId: c.socketId });

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

// KEYS: the other party's claim, mine. ARGV: call id, my user id, my claim, ttl.
const CLAIM = `
local theirs = redis.call('GET', KEYS[1])
if theirs then
  local c = cjson.decode(theirs)
  if c.callId == ARGV[1] and c.to == ARGV[2] then return theirs end
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return false`;

// ADD, guarded by the partner's claim (KEYS[4]) still being exactly ARGV[3]; consumes it.
const ADD_RESUMED = `
if redis.call('GET', KEYS[4]) ~= ARGV[3] then return 'gone' end
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 'busy' end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'taken' end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[4])
return 'added'`;

const DROP_CLAIM = `
local mine = redis.call('GET', KEYS[1])
if mine and cjson.decode(mine).socketId == ARGV[1] then redis.call('DEL', KEYS[1]) end
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
  const claim = script(client, CLAIM);
  const addResumed = script(client, ADD_RESUMED);
  const dropClaim = script(client, DROP_CLAIM);
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
    async claimResume(mine, ttlMs) {
      const theirs = await claim(
        [claimKey(mine.to), claimKey(mine.userId)],
        [mine.callId, mine.userId, encodeClaim(mine), ttlMs],
      );
      return typeof theirs === 'string' ? (JSON.parse(theirs) as ResumeClaim) : undefined;
    },
    addResumed: async (call, partner) =>
      (await addResumed(
        [callKey(call.id), userKey(call.caller), userKey(call.callee), claimKey(partner.userId)],
        [encode(call), call.id, encodeClaim(partner)],
      )) as AddResult | 'gone',
    dropClaim: async (userId, socketId) => {
      await dropClaim([claimKey(userId)], [socketId]);
    },
  };
}
