/**
 * CPU time of the browser a bench started: its own process tree only, so that other browsers
 * on the machine (another test run) are not counted. In all, or by Chromium process kind.
 */
import { readFileSync, readdirSync } from 'node:fs';

interface ProcessStat {
  ppid: number;
  cpuSeconds: number;
}

/** /proc/<pid>/stat after the command name: state, ppid, …, utime (14th), stime (15th). */
function readStat(pid: number): ProcessStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
    };
  } catch {
    return null; // the process ended meanwhile
  }
}

/** What a Chromium process is, from its command line: renderer, gpu, audio, network, browser… */
function kindOf(cmdline: string): string {
  // Chromium rewrites its title: the arguments may be one space-separated string.
  const args = cmdline.split(/[\0 ]/);
  const arg = (name: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
  const type = arg('type');
  if (type === null) return 'browser';
  if (type === 'gpu-process') return 'gpu';
  if (type !== 'utility') return type;
  const sub = arg('utility-sub-type') ?? 'utility';
  return sub.replace(/\.mojom\.\w+$/, '').replace(/_/g, '-');
}

/** Every process's parent, and its CPU so far, from /proc. */
function processTable(): { stats: Map<number, ProcessStat>; children: Map<number, number[]> } {
  const stats = new Map<number, ProcessStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.set(Number(name), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  return { stats, children };
}

const cmdlineOf = (pid: number): string | null => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null; // the process ended meanwhile
  }
};

/** The Chromium browsers this Node process has started so far (their browser processes). */
export function chromiumChildren(): Set<number> {
  const { children } = processTable();
  return new Set(
    (children.get(process.pid) ?? []).filter((pid) => cmdlineOf(pid)?.includes('chromium')),
  );
}

/**
 * CPU seconds so far of every Chromium process descended from this Node process, by kind
 * (browser, gpu: the display compositor with --disable-gpu, renderer, audio, network…); with
 * `browserPid`, of that one browser only (another one open meanwhile is not counted).
 */
function ownChromiumCpuSecondsByKind(browserPid?: number): Map<string, number> {
  const { stats, children } = processTable();
  const byKind = new Map<string, number>();
  const pending = browserPid === undefined ? [...(children.get(process.pid) ?? [])] : [browserPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    pending.push(...(children.get(pid) ?? []));
    const cmdline = cmdlineOf(pid);
    if (!cmdline?.includes('chromium')) continue;
    const kind = kindOf(cmdline);
    byKind.set(kind, (byKind.get(kind) ?? 0) + (stats.get(pid)?.cpuSeconds ?? 0));
  }
  return byKind;
}

const sum = (byKind: Map<string, number>) => [...byKind.values()].reduce((a, b) => a + b, 0);

/** CPU seconds so far of every Chromium process descended from this Node process. */
const ownChromiumCpuSeconds = (): number => sum(ownChromiumCpuSecondsByKind());

export async function cpuPercentDuring(ms: number): Promise<number> {
  const before = ownChromiumCpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (100 * (ownChromiumCpuSeconds() - before)) / (ms / 1000);
}

/**
 * % of one core used by our Chromium (all of it, or the browser `browserPid`; in all, and by
 * kind) and by this Node process, during `ms`.
 */
export async function cpuDuring(
  ms: number,
  browserPid?: number,
): Promise<{ chromium: number; byKind: Map<string, number>; host: number }> {
  const before = ownChromiumCpuSecondsByKind(browserPid);
  const hostBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const host = process.cpuUsage(hostBefore);
  const after = ownChromiumCpuSecondsByKind(browserPid);
  const percent = (seconds: number) => (100 * seconds) / (ms / 1000);
  const byKind = new Map(
    [...after].map(([kind, seconds]) => [kind, percent(seconds - (before.get(kind) ?? 0))]),
  );
  return {
    chromium: percent(sum(after) - sum(before)),
    byKind,
    host: percent((host.user + host.system) / 1e6),
  };
}
