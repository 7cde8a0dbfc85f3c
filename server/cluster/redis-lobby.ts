/**
 * The guests' lobby in Redis, shared by every node: each guest a hash (`rr:guest:<guestId>`) that
 * expires with their token, and per advisor the guests waiting for them in the order they came
 * (`rr:lobby:<advisorId>`, a sorted set by Redis's clock). Entering, deciding and leaving are Lua
 * scripts, so of two devices deciding about one guest, or a decision racing the guest's
 * departure, exactly one wins on whichever nodes they run.
 */
import { guestRefusalSchema } from '../../shared/protocol/guest.ts';
import type { Lobby, LobbyRecord, LobbyState } from '../guests/lobby.ts';
import { LUA_NOW, retrying, script, type Redis } from './redis-client.ts';

const guestKey = (guestId: string): string => `rr:guest:${guestId}`;
const lobbyKey = (advisorId: string): string => `rr:lobby:${advisorId}`;

// KEYS: the guest, their advisor's lobby. ARGV: guest id, name, advisor, link, expiresAt (ms).
// Returns {1 if made now, else 0, the record's fields...}.
const ENTER = `${LUA_NOW}
local created = 0
if tonumber(ARGV[5]) <= now then return {0} end
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'guestId', ARGV[1], 'name', ARGV[2], 'advisorId', ARGV[3],
    'linkId', ARGV[4], 'state', 'waiting', 'expiresAt', ARGV[5])
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[5]) then
    redis.call('PEXPIREAT', KEYS[2], ARGV[5])
  end
  created = 1
end
local record = redis.call('HGETALL', KEYS[1])
table.insert(record, 1, created)
return record`;

// KEYS: the advisor's lobby. ARGV: the guest key prefix. Drops ids no longer waiting.
const WAITING = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'state') == 'waiting' then
    table.insert(out, redis.call('HGETALL', key))
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out`;

// KEYS: the guest, their advisor's lobby. ARGV: advisor, next state, reason ('' for none), guest id.
const DECIDE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return false end
if redis.call('HGET', KEYS[1], 'advisorId') ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'reason', ARGV[3]) end
redis.call('ZREM', KEYS[2], ARGV[4])
return redis.call('HGETALL', KEYS[1])`;

// KEYS: the guest, their advisor's lobby. ARGV: advisor, guest id.
const LEAVE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then return 0 end
if redis.call('HGET', KEYS[1], 'advisorId') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

const STATES: readonly string[] = ['waiting', 'admitted', 'refused'] satisfies LobbyState[];

/** A hash's field list (as HGETALL gives it inside a script) as a record. */
function decode(fields: unknown): LobbyRecord | undefined {
  if (!Array.isArray(fields) || fields.length === 0) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), String(fields[i + 1]));
  const state = map.get('state') ?? '';
  if (!STATES.includes(state)) return undefined;
  const reason = guestRefusalSchema.safeParse(map.get('reason'));
  return {
    guestId: map.get('guestId') ?? '',
    name: map.get('name') ?? '',
    advisorId: map.get('advisorId') ?? '',
    linkId: map.get('linkId') ?? '',
    state: state as LobbyState,
    ...(reason.success ? { reason: reason.data } : {}),
    expiresAt: Number(map.get('expiresAt')),
  };
}

export function createRedisLobby(client: Redis): Lobby {
  const enter = script(client, ENTER);
  const waiting = script(client, WAITING);
  const decide = script(client, DECIDE);
  const leave = script(client, LEAVE);
  const get = async (guestId: string) =>
    decode(Object.entries(await retrying(() => client.hGetAll(guestKey(guestId)))).flat());

  return {
    get,
    async enter(record) {
      const { guestId, name, advisorId, linkId, expiresAt } = record;
      // Not retried: a retry after it ran would answer "made earlier" and the advisor never hear.
      const reply = (await enter(
        [guestKey(guestId), lobbyKey(advisorId)],
        [guestId, name, advisorId, linkId, expiresAt],
      )) as unknown[];
      // Nothing stored: their token expired as they came (see the memory lobby).
      const stored = decode(reply.slice(1));
      if (!stored) return { record, created: false };
      return { record: stored, created: reply[0] === 1 };
    },
    async waitingFor(advisorId) {
      const reply = (await retrying(() =>
        waiting([lobbyKey(advisorId)], [guestKey('')]),
      )) as unknown[];
      return reply.map(decode).filter((r): r is LobbyRecord => r !== undefined);
    },
    async decide(guestId, advisorId, decision) {
      const reason = decision.state === 'refused' ? decision.reason : '';
      return decode(
        await decide(
          [guestKey(guestId), lobbyKey(advisorId)],
          [advisorId, decision.state, reason, guestId],
        ),
      );
    },
    async leaveIfWaiting(guestId) {
      const record = await get(guestId);
      if (record?.state !== 'waiting') return false;
      const left = await leave(
        [guestKey(guestId), lobbyKey(record.advisorId)],
        [record.advisorId, guestId],
      );
      return left === 1;
    },
  };
}
