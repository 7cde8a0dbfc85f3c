/**
 * A server as its own process, started the way IT starts it: resolves once it prints
 * "listening on <url>", and keeps everything it printed on stdout (the log, the demo logins) for
 * tests that read it. Used by the cluster nodes and by the CLI tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything written to stdout so far. */
  output(): string;
  /** SIGKILL: the node dies without a word, as on a crash or power loss. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function startServerProcess(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const failed = () => {
      reject(new Error(`server exited before listening: ${out}`));
    };
    child.once('exit', failed);
    const waitForUrl = () => {
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (!url) return;
      child.removeListener('exit', failed);
      child.stdout.removeListener('data', waitForUrl);
      resolve({
        url,
        port: Number(new URL(url).port),
        process: child,
        output: () => out,
        kill: () => end('SIGKILL'),
        stop: () => end('SIGTERM'),
      });
    };
    child.stdout.on('data', waitForUrl);
  });
}

const CLI = new URL('../cli.ts', import.meta.url).pathname;

/** `npm run server -- <args>`: the real CLI, over a data folder the test owns. */
export const startCli = (args: string[]): Promise<ServerProcess> =>
  startServerProcess(CLI, ['--port', '0', ...args]);

/** The demo logins the CLI printed, by username. */
export function printedLogins(output: string): Map<string, string> {
  const logins = new Map<string, string>();
  for (const [, username = '', password = ''] of output.matchAll(
    /username (\S+) {2}password (\S+)/g,
  )) {
    logins.set(username, password);
  }
  return logins;
}
