/**
 * The audit thread's entry point (a worker_threads Worker started by sqlite-audit-thread.ts). It
 * owns the write connection: a commit waits for the disk (WAL, synchronous FULL: a stored record
 * survives a power cut), and here that wait blocks only this thread, not the server's sockets.
 * Requests are handled one at a time, in the order they were posted.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { createAuditWrites } from './sqlite-audit-writes.ts';
import type { WriteReply, WriteRequest } from './sqlite-audit-thread.ts';

const port = parentPort;
if (!port) throw new Error('sqlite-audit-writer.ts runs as a worker thread');

const db = new DatabaseSync((workerData as { file: string }).file);
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
const writes = createAuditWrites(db);

function run(request: WriteRequest): unknown {
  switch (request.op) {
    case 'appendAll':
      return writes.appendAll(request.entries);
    case 'prune':
      return writes.prune(request.before, request.at);
  }
}

port.on('message', (request: WriteRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: WriteReply;
  try {
    reply = { id: request.id, value: run(request) };
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    reply = { id: request.id, error: { message, code: code ?? '' } };
  }
  port.postMessage(reply);
});
