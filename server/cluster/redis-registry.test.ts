/**
 * The call registry's atomic steps, in Redis (a real redis-server) and in memory alike: an
 * invite racing a call to the same user lets exactly one win, and a replace keeps the index
 * from user to call right as people come and go.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryCallRegistry,
  type CallRecord,
  type CallRegistry,
  type ParticipantRecord,
} from '../calls/registry.ts';
import { silentLogger } from '../log.ts';
import { sleep } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { connectRedis, type Redis } from './redis-client.ts';
import { createRedisCallRegistry } from './redis-registry.ts';

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

const joined = (userId: string, invitedBy: string | null = null): ParticipantRecord => ({
  userId,
  socket: `socket-${userId}`,
  state: 'joined',
  invitedBy,
});
const ringing = (userId: string, invitedBy: string): ParticipantRecord => ({
  userId,
  socket: null,
  state: 'ringing',
  invitedBy,
});
const call = (...participants: ParticipantRecord[]): CallRecord => ({
  id: randomUUID(),
  startedAt: Date.now(),
  participants,
});
const invited = (c: CallRecord, p: ParticipantRecord): CallRecord => ({
  ...c,
  participants: [...c.participants, p],
});
const users = () => [0, 1, 2, 3].map(() => randomUUID()) as [string, string, string, string];

describe.each([
  ['Redis', () => createRedisCallRegistry(client)],
  ['memory', () => createMemoryCallRegistry()],
])('the %s call registry', (_name, make: () => CallRegistry) => {
  it('an invite racing a call to the same user: exactly one wins, every time', async () => {
    const registry = make();
    for (let round = 0; round < 40; round++) {
      const [a, b, c, d] = users();
      const meeting = call(joined(a), joined(b, a));
      expect(await registry.add(meeting)).toBe('added');
      const rival = call(joined(d), ringing(c, d));
      const [invite, offer] = await Promise.all([
        registry.replace(meeting, invited(meeting, ringing(c, a))),
        registry.add(rival),
      ]);
      expect([invite, offer].sort()).toEqual(
        invite === 'replaced' ? ['busy', 'replaced'] : ['added', 'busy'],
      );
      const winner = invite === 'replaced' ? meeting.id : rival.id;
      expect((await registry.callOf(c))?.id).toBe(winner);
      // The loser changed nothing: its call is as it was, or was never made.
      if (invite === 'busy') expect(await registry.get(meeting.id)).toEqual(meeting);
      else expect(await registry.get(rival.id)).toBeUndefined();
    }
  });

  it('replace indexes newcomers, unindexes leavers, refuses a stale call; remove frees everyone', async () => {
    const registry = make();
    const [a, b, c, d] = users();
    const first = call(joined(a), joined(b, a));
    await registry.add(first);
    const withC = invited(first, ringing(c, a));
    expect(await registry.replace(first, withC)).toBe('replaced');
    expect((await registry.callOf(c))?.id).toBe(first.id);
    // A second writer that read `first` lost: the call changed under it.
    expect(await registry.replace(first, invited(first, ringing(d, b)))).toBe('changed');
    expect(await registry.callOf(d)).toBeUndefined();
    const withoutB = { ...withC, participants: withC.participants.filter((p) => p.userId !== b) };
    expect(await registry.replace(withC, withoutB)).toBe('replaced');
    expect(await registry.callOf(b)).toBeUndefined();
    expect(await registry.callOfSocket(a, `socket-${a}`)).toEqual(withoutB);
    expect(await registry.callOfSocket(c, 'any')).toBeUndefined();
    expect(await registry.remove(withC)).toBe(false);
    expect(await registry.remove(withoutB)).toBe(true);
    for (const id of [a, b, c]) expect(await registry.callOf(id)).toBeUndefined();
  });

  it('a replace that would put someone in two calls is busy and changes nothing', async () => {
    const registry = make();
    const [a, b, c, d] = users();
    const mine = call(joined(a), joined(b, a));
    const theirs = call(joined(c), ringing(d, c));
    await registry.add(mine);
    await registry.add(theirs);
    expect(await registry.replace(mine, invited(mine, ringing(d, a)))).toBe('busy');
    expect(await registry.get(mine.id)).toEqual(mine);
    expect((await registry.callOf(d))?.id).toBe(theirs.id);
  });
});

describe('the Redis call registry across an upgrade', () => {
  it('reads a 1:1 call stored before meetings as its two participants, and can still change it', async () => {
    const registry = createRedisCallRegistry(client);
    const [a, b] = users();
    const id = randomUUID();
    const legacy = {
      id,
      caller: a,
      callerSocket: 'sa',
      callee: b,
      calleeSocket: 'sb',
      state: 'active',
      startedAt: 1,
    };
    await client.set(`rr:call:${id}`, JSON.stringify(legacy));
    await client.set(`rr:user-call:${a}`, id);
    await client.set(`rr:user-call:${b}`, id);
    const read = (await registry.callOf(b))!;
    expect(read.participants).toEqual([
      { userId: a, socket: 'sa', state: 'joined', invitedBy: null },
      { userId: b, socket: 'sb', state: 'joined', invitedBy: a },
    ]);
    const rebound = {
      ...read,
      participants: read.participants.map((p) => (p.userId === a ? { ...p, socket: 'sa2' } : p)),
    };
    expect(await registry.replace(read, rebound)).toBe('replaced');
    expect(await registry.callOfSocket(a, 'sa2')).toEqual(rebound);
    expect(await registry.remove(rebound)).toBe(true);
    expect(await registry.callOf(a)).toBeUndefined();
  });
});

describe('the Redis call registry expires what it stores', () => {
  const TTL = 1_000;
  const ttlOf = async (key: string) => client.pTTL(key);
  const keysOf = (c: CallRecord) => [
    `rr:call:${c.id}`,
    ...c.participants.map((p) => `rr:user-call:${p.userId}`),
  ];

  it('every change sets a TTL on the call and each busy marker; the one who left has none', async () => {
    const registry = createRedisCallRegistry(client, TTL);
    const [a, b, c] = users();
    const ringingCall = call(joined(a), ringing(b, a));
    await registry.add(ringingCall);
    for (const key of keysOf(ringingCall)) expect(await ttlOf(key)).toBeGreaterThan(0);
    await sleep(300);
    const answered = {
      ...ringingCall,
      participants: [joined(a), joined(b, a), ringing(c, a)],
    };
    expect(await registry.replace(ringingCall, answered)).toBe('replaced');
    // Set anew for all who are in it, the ones who stayed too.
    for (const key of keysOf(answered)) expect(await ttlOf(key)).toBeGreaterThan(TTL - 200);
    const withoutC = { ...answered, participants: [joined(a), joined(b, a)] };
    expect(await registry.replace(answered, withoutC)).toBe('replaced');
    expect(await ttlOf(`rr:user-call:${c}`)).toBe(-2);
  });

  it('refreshHeld keeps a call this node holds a socket of; one nobody refreshes lapses and frees its people', async () => {
    const registry = createRedisCallRegistry(client, TTL);
    const [a, b, c, d] = users();
    const held = call(joined(a), joined(b, a));
    const orphan = call(joined(c), joined(d, c));
    await registry.add(held);
    await registry.add(orphan);
    const holds = (socket: string) => socket === `socket-${a}`;
    for (let i = 0; i < 4; i++) {
      await sleep(TTL / 3);
      await registry.refreshHeld(holds);
    }
    // Four thirds of a TTL later: the held call is still there, the other one is gone.
    expect(await registry.get(held.id)).toEqual(held);
    expect((await registry.callOf(b))?.id).toBe(held.id);
    expect(await registry.get(orphan.id)).toBeUndefined();
    expect(await registry.callOf(c)).toBeUndefined();
    expect(await registry.callOf(d)).toBeUndefined();
    expect(await registry.add(call(joined(c), ringing(d, c)))).toBe('added');
  });
});
