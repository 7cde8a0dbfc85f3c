/**
 * Two server nodes as separate processes over one database (the data folder's SQLite, or with
 * RR_TEST_DATABASE=postgres one PostgreSQL database) and one real Redis, both
 * appending to the one audit trail: a call between advisors on different nodes is recorded by
 * both (the ring on one, the answer on the other) in one unbroken chain, both nodes sign with
 * the same receipt key, and a receipt asked of the node the call was not made on still finds the
 * caller in the call (the registry is shared).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RECEIPT_PATHS,
  receiptKeySchema,
  signedReceiptSchema,
  verifyReceipt,
} from '../../shared/protocol/recording-receipts.ts';
import { hashPassword } from '../auth/passwords.ts';
import { connectCall } from '../testing/calls.ts';
import { connectAt, startClusterNode, type ClusterNode } from '../testing/cluster-nodes.ts';
import { PASSWORD, tempDir, type Client } from '../testing/harness.ts';
import { startRedis, type RedisProcess } from '../testing/redis-process.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { verifyChain } from './verify-chain.ts';

const TIMINGS = { heartbeatMs: 200, deadAfterMs: 800, timerPollMs: 50 };

let redis: RedisProcess;
let dataDir: string;
let database: TestDatabase;
let nodes: ClusterNode[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  redis = await startRedis();
  dataDir = tempDir('rr-audit-cluster-');
  database = await createTestDatabase(dataDir);
  const opened = await database.open();
  const store = opened.accounts;
  const passwordHash = await hashPassword(PASSWORD);
  await store.createCircle('Team');
  for (const username of ['alice', 'bob']) {
    await store.createUser({ username, displayName: `${username} Tester`, passwordHash });
    await store.addMember('Team', username);
  }
  await opened.close();
  const env = database.url === undefined ? {} : { RR_DATABASE_URL: database.url };
  nodes = await Promise.all(
    [0, 1].map(() => startClusterNode({ dataDir, redisUrl: redis.url, timings: TIMINGS, env })),
  );
});

afterAll(async () => {
  for (const client of clients) client.socket.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the audit trail on two nodes', () => {
  it('is one chain holding what each node decided', async () => {
    const [a, b] = nodes as [ClusterNode, ClusterNode];
    const alice = await connectAt(a.url, 'alice');
    const bob = await connectAt(b.url, 'bob');
    clients.push(alice, bob);
    const callId = await connectCall(alice, bob);

    const keys = await Promise.all(
      [a, b].map(async (node) =>
        receiptKeySchema.parse(await (await fetch(`${node.url}${RECEIPT_PATHS.key}`)).json()),
      ),
    );
    expect(keys[1]).toEqual(keys[0]);
    // Alice's call was made on node a; she asks node b for the receipt.
    const res = await fetch(`${b.url}${RECEIPT_PATHS.receipts}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${alice.tokens.accessToken}`,
      },
      body: JSON.stringify({ phase: 'start', callId, recordingId: 'rec-on-node-b' }),
    });
    expect(res.status).toBe(201);
    const { receipt, signature } = signedReceiptSchema.parse(await res.json());
    expect(await verifyReceipt(receipt, signature, keys[0]!.publicKey)).toBe(true);

    expect((await bob.send('end-call', { to: alice.userId, callId })).ok).toBe(true);
    await alice.next('end-call');

    const opened = await database.open();
    const audit = opened.audit;
    try {
      await expect
        .poll(async () => (await audit.find({ callId })).map((r) => r.type))
        .toEqual([
          'call.rang',
          'call.answered',
          'recording.start-receipt',
          'call.left',
          'call.ended',
        ]);
      const signIns = (await audit.page({ afterSeq: 0, limit: 100 })).filter(
        (r) => r.type === 'auth.sign-in',
      );
      expect(signIns.map((r) => r.fields.username).sort()).toEqual(['alice', 'bob']);
      expect(await verifyChain(audit)).toMatchObject({ ok: true });
    } finally {
      await opened.close();
    }
  });
});
