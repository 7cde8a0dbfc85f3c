/**
 * Main's log: one JSON line per event (`{"time","level","event",…fields}`) in the rotating log
 * file, and the same on the console. Every field is scrubbed first (scrub.ts). A log that cannot be
 * written never stops the app: it says so once on the console and carries on without the file.
 */
import { readFile } from 'node:fs/promises';
import type { LogFile } from './log-file.ts';
import { scrubFields, type LogFields } from './scrub.ts';

export type LogLevel = 'info' | 'error';
export type Log = (event: string, fields?: LogFields) => void;

export interface LogEntry {
  time: string;
  level: LogLevel;
  event: string;
  [field: string]: unknown;
}

export interface MainLogOptions {
  /** The rotating file; null logs to the console only. */
  file: LogFile | null;
  console?: (line: string, fields: LogFields) => void;
  now?: () => Date;
}

export interface MainLog {
  log: Log;
  /** The last `limit` error entries in the log files (this run and earlier ones), oldest first. */
  recentErrors(limit: number): Promise<LogEntry[]>;
  /** Where the current file is, or null when there is none. */
  readonly path: string | null;
}

/** Event names say what happened; the ones that report a failure are errors. */
export function levelOf(event: string): LogLevel {
  return /(?:^|[.-])(error|failed|gone|given-up|refused|unreadable)$/.test(event)
    ? 'error'
    : 'info';
}

const RESERVED = new Set(['time', 'level', 'event']);

export function createMainLog(options: MainLogOptions): MainLog {
  const now = options.now ?? (() => new Date());
  const toConsole =
    options.console ??
    ((line, fields) => {
      console.info(line, fields);
    });
  let file = options.file;

  const log: Log = (event, fields = {}) => {
    const clean = scrubFields(fields);
    const entry: Record<string, unknown> = {
      time: now().toISOString(),
      level: levelOf(event),
      event,
    };
    for (const [key, value] of Object.entries(clean)) {
      if (!RESERVED.has(key) && value !== undefined) entry[key] = value;
    }
    toConsole(`[advisor] ${event}`, clean);
    if (!file) return;
    try {
      file.append(`${JSON.stringify(entry)}\n`);
    } catch (error) {
      const failed = file;
      file = null;
      failed.close();
      toConsole('[advisor] log.file-failed', {
        error:
          error instanceof Error
            ? ((error as NodeJS.ErrnoException).code ?? error.name)
            : 'unknown',
      });
    }
  };

  const recentErrors = async (limit: number): Promise<LogEntry[]> => {
    const found: LogEntry[] = [];
    for (const path of options.file?.files() ?? []) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n').reverse();
      for (const line of lines) {
        if (found.length >= limit) break;
        const entry = parseEntry(line);
        if (entry?.level === 'error') found.push(entry);
      }
      if (found.length >= limit) break;
    }
    return found.reverse();
  };

  return { log, recentErrors, path: options.file?.path ?? null };
}

function parseEntry(line: string): LogEntry | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null) return null;
    const { time, level, event } = value as Record<string, unknown>;
    return typeof time === 'string' &&
      typeof event === 'string' &&
      (level === 'info' || level === 'error')
      ? (value as LogEntry)
      : null;
  } catch {
    return null;
  }
}
