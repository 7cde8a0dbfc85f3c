/**
 * The guests' lobby, in Redis (a real redis-server) and in memory alike: entering once, the
 * advisor's waiting list in arrival order, decisions that apply once and only while waiting and
 * only for the advisor knocked for, leaving only while waiting, and expiry with the guest token.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLobby, type Lobby, type LobbyRecord } from '../guests/lobby.ts';
import { silentLogger } from '../log.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { connectRedis, type Redis } from './redis-client.ts';
import { createRedisLobby } from './redis-lobby.ts';

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

const guest = (advisorId: string, name = 'Pat', ttlMs = 60_000): LobbyRecord => ({
  guestId: `guest-${randomUUID().replaceAll('-', '').slice(0, 22)}`,
  name,
  advisorId,
  linkId: randomUUID(),
  state: 'waiting',
  expiresAt: Date.now() + ttlMs,
});

describe.each([
  ['Redis', () => createRedisLobby(client)],
  ['memory', () => createMemoryLobby()],
])('the %s lobby', (_name, make: () => Lobby) => {
  it('enters a guest once, and lists the guests waiting for each advisor in arrival order', async () => {
    const lobby = make();
    const advisor = randomUUID();
    const [pat, sam] = [guest(advisor, 'Pat'), guest(advisor, 'Sam')];
    const elsewhere = guest(randomUUID(), 'Lee');
    expect(await lobby.enter(pat)).toEqual({ record: pat, created: true });
    expect(await lobby.enter(sam)).toEqual({ record: sam, created: true });
    await lobby.enter(elsewhere);
    expect(await lobby.enter({ ...pat, name: 'Someone else' })).toEqual({
      record: pat,
      created: false,
    });
    expect(await lobby.get(pat.guestId)).toEqual(pat);
    expect(await lobby.waitingFor(advisor)).toEqual([pat, sam]);
    expect(await lobby.waitingFor(randomUUID())).toEqual([]);
  });

  it('applies a decision once, only while waiting and only for the advisor knocked for', async () => {
    const lobby = make();
    const advisor = randomUUID();
    const pat = guest(advisor);
    const sam = guest(advisor, 'Sam');
    await lobby.enter(pat);
    await lobby.enter(sam);
    expect(await lobby.decide(pat.guestId, randomUUID(), { state: 'admitted' })).toBeUndefined();
    expect(await lobby.decide('guest-nobody', advisor, { state: 'admitted' })).toBeUndefined();
    const decisions = await Promise.all([
      lobby.decide(pat.guestId, advisor, { state: 'admitted' }),
      lobby.decide(pat.guestId, advisor, { state: 'refused', reason: 'denied' }),
    ]);
    expect(decisions.filter(Boolean)).toHaveLength(1);
    expect(decisions[0]).toEqual({ ...pat, state: 'admitted' });
    expect(await lobby.get(pat.guestId)).toEqual({ ...pat, state: 'admitted' });
    expect(
      await lobby.decide(sam.guestId, advisor, { state: 'refused', reason: 'link-revoked' }),
    ).toEqual({ ...sam, state: 'refused', reason: 'link-revoked' });
    expect(await lobby.waitingFor(advisor)).toEqual([]);
    // Decided guests stay decided: entering again changes nothing.
    expect(await lobby.enter(sam)).toEqual({
      record: { ...sam, state: 'refused', reason: 'link-revoked' },
      created: false,
    });
  });

  it('forgets a guest who leaves while waiting, never one admitted or refused', async () => {
    const lobby = make();
    const advisor = randomUUID();
    const [waiting, admitted, refused] = [guest(advisor), guest(advisor), guest(advisor)];
    for (const g of [waiting, admitted, refused]) await lobby.enter(g);
    await lobby.decide(admitted.guestId, advisor, { state: 'admitted' });
    await lobby.decide(refused.guestId, advisor, { state: 'refused', reason: 'denied' });
    const left = await Promise.all([
      lobby.leaveIfWaiting(waiting.guestId),
      lobby.leaveIfWaiting(waiting.guestId),
    ]);
    expect(left.filter(Boolean)).toHaveLength(1);
    expect(await lobby.get(waiting.guestId)).toBeUndefined();
    expect(await lobby.leaveIfWaiting(admitted.guestId)).toBe(false);
    expect(await lobby.leaveIfWaiting(refused.guestId)).toBe(false);
    expect((await lobby.get(admitted.guestId))?.state).toBe('admitted');
    expect((await lobby.get(refused.guestId))?.state).toBe('refused');
    expect(await lobby.waitingFor(advisor)).toEqual([]);
    // Gone, they may enter afresh.
    expect((await lobby.enter(waiting)).created).toBe(true);
  });

  it('lets a guest go when their token expires', async () => {
    const lobby = make();
    const advisor = randomUUID();
    const expired = { ...guest(advisor), expiresAt: Date.now() - 1 };
    expect(await lobby.enter(expired)).toEqual({ record: expired, created: false });
    expect(await lobby.get(expired.guestId)).toBeUndefined();
    expect(await lobby.waitingFor(advisor)).toEqual([]);
  });
});
