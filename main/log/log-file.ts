/**
 * A log file that rotates: `main.log` grows to about `maxBytes`, then becomes `main.log.1` (the
 * older one `main.log.2`, …) and a new `main.log` starts; files beyond `keep` in all are deleted.
 * Owner-only (0600 in a 0700 folder). Writes are synchronous: a line logged just before a crash
 * is on disk, and lines never interleave.
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface LogFileOptions {
  dir: string;
  /** Default `main.log`. */
  name?: string;
  /** Rotate before a line would take the file past this (default 1 MiB). */
  maxBytes?: number;
  /** Files kept, the current one included (default 3). */
  keep?: number;
}

export interface LogFile {
  readonly path: string;
  /** Appends text (one or more whole lines); throws if the disk refuses. */
  append(text: string): void;
  /** Paths of the log files that exist, newest first. */
  files(): string[];
  close(): void;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_KEEP = 3;

export function createLogFile(options: LogFileOptions): LogFile {
  const name = options.name ?? 'main.log';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
  const path = join(options.dir, name);
  const rotated = (index: number) => (index === 0 ? path : `${path}.${index}`);
  let fd: number | null = null;
  let size = 0;

  /** Rotated indexes on disk (1, 2, …), from their names. */
  const rotatedIndexes = (): number[] => {
    const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)$`);
    return readdirSync(options.dir)
      .map((file) => pattern.exec(file)?.[1])
      .filter((index): index is string => index !== undefined)
      .map(Number);
  };

  const prune = () => {
    for (const index of rotatedIndexes()) {
      if (index >= keep) rmSync(rotated(index), { force: true });
    }
  };

  const open = (): number => {
    if (fd !== null) return fd;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    prune();
    fd = openSync(path, 'a', 0o600);
    // A file left by an older build may be readable by others: tighten it.
    fchmodSync(fd, 0o600);
    size = fstatSync(fd).size;
    return fd;
  };

  const rotate = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
    rmSync(rotated(keep - 1), { force: true });
    for (let index = keep - 2; index >= 0; index--) {
      try {
        renameSync(rotated(index), rotated(index + 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  };

  return {
    path,
    append(text) {
      const bytes = Buffer.byteLength(text);
      open();
      if (size > 0 && size + bytes > maxBytes) rotate();
      const handle = open();
      writeSync(handle, text);
      size += bytes;
    },
    files() {
      try {
        const indexes = rotatedIndexes()
          .filter((index) => index < keep)
          .sort((a, b) => a - b);
        const current = readdirSync(options.dir).includes(name) ? [path] : [];
        return [...current, ...indexes.map(rotated)];
      } catch {
        return [];
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
