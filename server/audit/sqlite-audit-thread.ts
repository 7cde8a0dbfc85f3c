/**
 * The server's side of the audit thread (sqlite-audit-writer.ts): posts each write to it and
 * settles the promise with its reply. The thread starts at the first write (a store that is only
 * read, as by `audit verify`, never starts one), keeps the process alive only while a write is
 * outstanding, and starts again at the next write if it dies (the writes it held are rejected).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AuditRecord } from './audit-record.ts';
import type { PruneResult, TimedEntry } from './audit-store.ts';

export type WriteRequest =
  | { id: number; op: 'appendAll'; entries: readonly TimedEntry[] }
  | { id: number; op: 'prune'; before: string; at: Date };

export type WriteReply =
  { id: number; value: unknown } | { id: number; error: { message: string; code: string } };

type Unposted = WriteRequest extends infer R
  ? R extends WriteRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface Outstanding {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface AuditThread {
  appendAll(entries: readonly TimedEntry[]): Promise<AuditRecord[]>;
  prune(before: string, at: Date): Promise<PruneResult>;
  /** Lets the thread finish what was posted, closes its connection and waits for it to end. */
  close(): Promise<void>;
}

const WRITER = new URL('./sqlite-audit-writer.ts', import.meta.url);

export function startAuditThread(file: string): AuditThread {
  const outstanding = new Map<number, Outstanding>();
  let nextId = 1;
  let worker: Worker | null = null;
  let closed = false;

  function failAll(error: Error): void {
    for (const waiting of outstanding.values()) waiting.reject(error);
    outstanding.clear();
  }

  function settle(reply: WriteReply): void {
    const waiting = outstanding.get(reply.id);
    if (!waiting) return;
    outstanding.delete(reply.id);
    if (outstanding.size === 0) worker?.unref();
    if ('error' in reply) {
      waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    } else {
      waiting.resolve(reply.value);
    }
  }

  function spawn(): Worker {
    // No inherited flags: the server may run under ones a worker refuses (--input-type, -e).
    const started = new Worker(WRITER, { workerData: { file }, execArgv: [] });
    started.on('message', settle);
    started.on('error', failAll);
    started.on('exit', () => {
      if (worker === started) worker = null;
      failAll(new Error('The audit thread stopped'));
    });
    return started;
  }

  function post(request: Unposted): Promise<unknown> {
    if (closed) return Promise.reject(new Error('The audit trail is closed'));
    const thread = (worker ??= spawn());
    const id = nextId++;
    if (outstanding.size === 0) thread.ref();
    return new Promise((resolve, reject) => {
      outstanding.set(id, { resolve, reject });
      try {
        thread.postMessage({ ...request, id });
      } catch (error) {
        settle({ id, error: { message: (error as Error).message, code: '' } });
      }
    });
  }

  return {
    appendAll: (entries) =>
      // Only the entry and its time cross: a caller's item may carry more (the trail's callbacks).
      post({
        op: 'appendAll',
        entries: entries.map(({ entry, at }) => ({ entry, at })),
      }) as Promise<AuditRecord[]>,
    prune: (before, at) => post({ op: 'prune', before, at }) as Promise<PruneResult>,
    async close() {
      closed = true;
      const thread = worker;
      if (!thread) return;
      thread.ref();
      const exited = once(thread, 'exit');
      thread.postMessage('close');
      await exited;
    },
  };
}
