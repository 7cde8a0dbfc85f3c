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
