/**
 * Memory of idle authenticated sockets: the server's RSS before and after they connect (and
 * settle for 2 s), on one node or spread evenly over several.
 */
import type { Socket } from 'socket.io-client';
import type { Child } from './child.ts';
import { expectWorked } from './never-worked.ts';
import type { SeededUser } from './seed.ts';
import { connect, connectAll, type Kind } from './signaling-load.ts';

export interface IdleRss {
  count: number;
  before: number;
  after: number;
  perSocket: number;
}

const SETTLE_MS = 2_000;

/** `users` connected round-robin over `nodes`: each node's RSS before and after its share. */
export async function idleSocketsAcross(
  kind: Kind,
  nodes: Child[],
  users: SeededUser[],
): Promise<IdleRss[]> {
  const before = nodes.map((node) => node.rss());
  const counts = nodes.map(() => 0);
  const open: Socket[] = [];
  const connectOne = async ({ user, at }: { user: SeededUser; at: number }) => {
    const socket = await connect(kind, (nodes[at] as Child).url, user);
    open.push(socket);
    counts[at] = (counts[at] ?? 0) + 1;
    return socket;
  };
  try {
    await connectAll(
      users.map((user, i) => ({ user, at: i % nodes.length })),
      connectOne,
    );
  } catch (error) {
    expectWorked(false, `Idle sockets could not all connect: ${(error as Error).message}.`);
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const after = nodes.map((node) => node.rss());
  for (const socket of open) socket.disconnect();
  return nodes.map((_node, i) => {
    const count = counts[i] ?? 0;
    const start = before[i] ?? 0;
    const end = after[i] ?? 0;
    return { count, before: start, after: end, perSocket: (end - start) / count };
  });
}

/** All of `users` on one node. */
export async function idleSockets(kind: Kind, node: Child, users: SeededUser[]): Promise<IdleRss> {
  const [rss] = await idleSocketsAcross(kind, [node], users);
  return rss as IdleRss;
}
