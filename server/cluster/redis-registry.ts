/**
 * The call registry in Redis, shared by every node. A call is one JSON value (`rr:call:<id>`) and
 * each participant points at it (`rr:user-call:<userId>`). Adding, replacing and removing are Lua
 * scripts that check and move the call and its users' pointers in one step, so "someone in a call
 * is busy for any other", "only one answer wins" and "an invite racing a call to the same user:
 * one of them wins" hold across nodes. Only ids and socket ids are stored; no SDP, no names.
 *
 * Every key expires (`ttlMs`): each change sets it anew, and each node refreshes the calls in
 * which one of its own sockets speaks (`refreshHeld`). A call whose nodes all died without
 * cleaning up (nobody left to run its timers or reap its sockets) cannot leave its people busy
 * for good: it lapses one TTL after the last node that held it stopped refreshing it.
 */
import type {
  AddResult,
  CallRecord,
  CallRegistry,
  ReplaceResult,
  ResumeClaim,
} from '../calls/registry.ts';
import { encodeCall, MAX_CLAIMS, speaksIn, userIds } from '../calls/registry.ts';
import { DEFAULT_CALL_TTL_MS } from './redis-config.ts';
import { retrying, script, type Redis } from './redis-client.ts';

const callKey = (id: string): string => `rr:call:${id}`;
const userKey = (userId: string): string => `rr:user-call:${userId}`;
/**
 * A user's resume claims (see ResumeClaim), a hash by whom each names, expiring on its own.
 * (`rr:resume:<userId>` held one claim as a string before meetings resumed whole.)
 */
const claimKey = (userId: string): string => `rr:resumes:${userId}`;

/** A 1:1 call as nodes before meetings stored it; read as the two participants it was. */
interface LegacyCall {
  id: string;
  caller: string;
  callerSocket: string;
  callee: string;
  calleeSocket: string | null;
  state: 'ringing' | 'active';
  startedAt: number;
}

/**
 * Each call read keeps the exact string it was read as: a compare-and-set compares against that,
 * so a call stored in the older shape (calls in progress across an upgrade) can still change.
 */
const readAs = new WeakMap<CallRecord, string>();
const encode = (call: CallRecord): string => readAs.get(call) ?? encodeCall(call);

function decode(raw: unknown): CallRecord | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = JSON.parse(raw) as CallRecord | LegacyCall;
  const call: CallRecord =
    'participants' in value
      ? value
      : {
          id: value.id,
          startedAt: value.startedAt,
          participants: [
            { userId: value.caller, socket: value.callerSocket, state: 'joined', invitedBy: null },
            {
              userId: value.callee,
              socket: value.calleeSocket,
              state: value.state === 'active' ? 'joined' : 'ringing',
              invitedBy: value.caller,
            },
          ],
        };
  readAs.set(call, raw);
  return call;
}
const encodeClaim = (c: ResumeClaim): string =>
  JSON.stringify({ callId: c.callId, userId: c.userId, to: c.to, socketId: c.socketId });

// KEYS: the call, then each participant, up to KEYS[n]. ARGV: the call, its id, the TTL (ms).
// Ends having added: the caller returns.
const ADD_STEPS = `
for i = 2, n do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 'busy' end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'taken' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
for i = 2, n do redis.call('SET', KEYS[i], ARGV[2], 'PX', ARGV[3]) end`;
const ADD = `local n = #KEYS${ADD_STEPS}
return 'added'`;

const CALL_OF = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('GET', ARGV[1] .. id)`;

// KEYS: the call, the users new in `next` (ARGV[4] of them), the users gone from it (ARGV[5]),
// then those who stay, up to KEYS[n]. ARGV: current, next, call id, how many are new, how many
// left, the TTL. Ends having replaced: the caller returns.
const REPLACE_STEPS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'changed' end
local last = 1 + tonumber(ARGV[4])
local lastGone = last + tonumber(ARGV[5])
for i = 2, last do
  local theirs = redis.call('GET', KEYS[i])
  if theirs and theirs ~= ARGV[3] then return 'busy' end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[6])
for i = 2, last do redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[6]) end
for i = last + 1, lastGone do
  if redis.call('GET', KEYS[i]) == ARGV[3] then redis.call('DEL', KEYS[i]) end
end
for i = lastGone + 1, n do
  local theirs = redis.call('GET', KEYS[i])
  if not theirs or theirs == ARGV[3] then redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[6]) end
end`;
const REPLACE = `local n = #KEYS${REPLACE_STEPS}
return 'replaced'`;

// KEYS: the call, then each participant. ARGV: its id, the TTL. 0 when the call is gone.
const REFRESH = `
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 0 then return 0 end
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
return 1`;

// KEYS: the call, then each participant. ARGV: the call, its id.
const REMOVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2] then redis.call('DEL', KEYS[i]) end
end
return 1`;

// KEYS: the other party's claims, mine. ARGV: call id, my user id, my claim, ttl, whom I name,
// my socket, MAX_CLAIMS.
const CLAIM = `
local theirs = redis.call('HGET', KEYS[1], ARGV[2])
if theirs and cjson.decode(theirs).callId == ARGV[1] then return theirs end
local mine = redis.call('HVALS', KEYS[2])
if #mine > 0 then
  local c = cjson.decode(mine[1])
  if c.callId ~= ARGV[1] or c.socketId ~= ARGV[6] then redis.call('DEL', KEYS[2]) end
end
redis.call('HDEL', KEYS[2], ARGV[5])
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[7]) then
  redis.call('HDEL', KEYS[2], redis.call('HKEYS', KEYS[2])[1])
end
redis.call('HSET', KEYS[2], ARGV[5], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return false`;

/**
 * `steps` (ADD or REPLACE, ending in `result`), run only while the partner's claim (field
 * ARGV[at] of the last key, the partner's claims) is still exactly ARGV[at + 1]; consumes it.
 */
const guardedByClaim = (steps: string, at: number, result: string): string => `local n = #KEYS - 1
if redis.call('HGET', KEYS[#KEYS], ARGV[${at}]) ~= ARGV[${at + 1}] then return 'gone' end${steps}
redis.call('HDEL', KEYS[#KEYS], ARGV[${at}])
return '${result}'`;
// ADD's keys and arguments, then the partner's claims; whom the claim names, the claim.
const ADD_RESUMED = guardedByClaim(ADD_STEPS, 4, 'added');
// REPLACE's keys and arguments, then the partner's claims; whom the claim names, the claim.
const JOIN_RESUMED = guardedByClaim(REPLACE_STEPS, 7, 'replaced');

// All of a user's claims come from one socket (CLAIM).
const DROP_CLAIM = `
local mine = redis.call('HVALS', KEYS[1])
if #mine > 0 and cjson.decode(mine[1]).socketId == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

export interface RedisCallRegistry extends CallRegistry {
  /**
   * Sets the TTL anew on every call this node has seen in which one of its sockets (`holds`)
   * still speaks; forgets the others (gone, or held elsewhere now).
   */
  refreshHeld(holds: (socketId: string) => boolean): Promise<void>;
}

export function createRedisCallRegistry(
  client: Redis,
  ttlMs = DEFAULT_CALL_TTL_MS,
): RedisCallRegistry {
  const add = script(client, ADD);
  const callOfScript = script(client, CALL_OF);
  const replace = script(client, REPLACE);
  const remove = script(client, REMOVE);
  const refresh = script(client, REFRESH);
  const claim = script(client, CLAIM);
  const joinResumed = script(client, JOIN_RESUMED);
  const addResumed = script(client, ADD_RESUMED);
  const dropClaim = script(client, DROP_CLAIM);
  // The calls this node has written or read: refreshHeld looks at these only.
  const seen = new Set<string>();
  const noted = (call: CallRecord | undefined): CallRecord | undefined => {
    if (call) seen.add(call.id);
    return call;
  };
  const callOf = async (userId: string) =>
    noted(decode(await retrying(() => callOfScript([userKey(userId)], ['rr:call:']))));
  /** The keys and arguments of REPLACE (JOIN_RESUMED adds the claim's). */
  const replaceArgs = (current: CallRecord, next: CallRecord): [string[], (string | number)[]] => {
    seen.add(current.id);
    const before = userIds(current);
    const after = userIds(next);
    const newcomers = after.filter((id) => !before.includes(id));
    const gone = before.filter((id) => !after.includes(id));
    const staying = after.filter((id) => before.includes(id));
    return [
      [callKey(current.id), ...[...newcomers, ...gone, ...staying].map(userKey)],
      [encode(current), encodeCall(next), current.id, newcomers.length, gone.length, ttlMs],
    ];
  };
  const get = async (callId: string) =>
    noted(decode(await retrying(() => client.get(callKey(callId)))));

  return {
    async add(call) {
      seen.add(call.id);
      return (await add(
        [callKey(call.id), ...userIds(call).map(userKey)],
        [encodeCall(call), call.id, ttlMs],
      )) as AddResult;
    },
    get,
    callOf,
    async callOfSocket(userId, socketId) {
      const call = await callOf(userId);
      return call && speaksIn(call, userId, socketId) ? call : undefined;
    },
    async replace(current, next) {
      return (await replace(...replaceArgs(current, next))) as ReplaceResult;
    },
    async joinResumed(current, next, partner) {
      const [keys, args] = replaceArgs(current, next);
      return (await joinResumed(
        [...keys, claimKey(partner.userId)],
        [...args, partner.to, encodeClaim(partner)],
      )) as ReplaceResult | 'gone';
    },
    remove: async (call) =>
      (await remove([callKey(call.id), ...userIds(call).map(userKey)], [encode(call), call.id])) ===
      1,
    async refreshHeld(holds) {
      for (const id of [...seen]) {
        const call = decode(await retrying(() => client.get(callKey(id))));
        if (!call?.participants.some((p) => p.socket !== null && holds(p.socket))) {
          seen.delete(id);
          continue;
        }
        // Idempotent (it only moves expiry times forward): safe to send again.
        await retrying(() => refresh([callKey(id), ...userIds(call).map(userKey)], [id, ttlMs]));
      }
    },
    async claimResume(mine, ttl) {
      const theirs = await claim(
        [claimKey(mine.to), claimKey(mine.userId)],
        [mine.callId, mine.userId, encodeClaim(mine), ttl, mine.to, mine.socketId, MAX_CLAIMS],
      );
      return typeof theirs === 'string' ? (JSON.parse(theirs) as ResumeClaim) : undefined;
    },
    async addResumed(call, partner) {
      seen.add(call.id);
      return (await addResumed(
        [callKey(call.id), ...userIds(call).map(userKey), claimKey(partner.userId)],
        [encodeCall(call), call.id, ttlMs, partner.to, encodeClaim(partner)],
      )) as AddResult | 'gone';
    },
    dropClaim: async (userId, socketId) => {
      await dropClaim([claimKey(userId)], [socketId]);
    },
  };
}
