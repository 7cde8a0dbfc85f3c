/** Starts a server script as a child process and waits for the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  url: string;
  process: ChildProcess;
  /** Resident set size of the child now, in bytes (Linux /proc). */
  rss(): number;
  /** CPU seconds (user + system) the child has used so far (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * The V8 setting `npm run server` uses: an 8 MiB young generation keeps 10k idle sockets under
 * 300 MB RSS (V8's default grows it to 32 MiB+ per semi-space under load).
 */
export const SERVER_NODE_ARGS = ['--max-semi-space-size=8'];

export function startChild(script: string, args: string[]): Promise<Child> {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof", profiles the servers under load.
  const nodeArgs = [
    ...SERVER_NODE_ARGS,
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => {
      reject(new Error(`${script} exited with ${code}: ${out}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (!match?.[1]) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: match[1],
        process: child,
        rss: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
        },
        cpuSeconds: () => {
          // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses.
          const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return (Number(fields[11]) + Number(fields[12])) / 100;
        },
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => {
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
