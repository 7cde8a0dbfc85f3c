/**
 * The audit trail's disk flush, off the event loop. The trail's connection commits with
 * synchronous=NORMAL (WAL): COMMIT writes the WAL without waiting for the disk, which alone would
 * survive a server crash but not a power cut. So an append is acknowledged only after this
 * fsync of the WAL file, which runs in libuv's thread pool: the durability of synchronous=FULL,
 * without the event loop standing still for every commit (at call load it had stood still for
 * about half of each second).
 */
import { open } from 'node:fs/promises';

export type WalSync = () => Promise<void>;

export function walSync(databaseFile: string): WalSync {
  const wal = `${databaseFile}-wal`;
  return async () => {
    let handle;
    try {
      // Read-write: Windows flushes a file only through a handle that may write it.
      handle = await open(wal, 'r+');
    } catch (error) {
      // No WAL: everything was checkpointed into the database file, which the checkpoint synced.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
}

/**
 * One flush serves every append that committed before it started: appends asked while a flush
 * runs share the next one (it starts after all of their commits), rather than each queueing a
 * flush of its own in the thread pool. A failed flush fails those who shared it; the next goes on.
 */
export function sharedFlushes(flush: WalSync): WalSync {
  let last: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | null = null; // the next flush, not started yet
  return () => {
    if (waiting) return waiting;
    const next = last
      .catch(() => undefined)
      .then(() => {
        waiting = null; // from here on, a commit may be after this flush began
        return flush();
      });
    waiting = next;
    last = next;
    return next;
  };
}
