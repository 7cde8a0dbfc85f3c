/**
 * CPU time of the browser a bench started: its own process tree only, so that other browsers
 * on the machine (another test run) are not counted.
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

/** CPU seconds so far of every Chromium process descended from this Node process. */
export function ownChromiumCpuSeconds(): number {
  const stats = new Map<number, ProcessStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.set(Number(name), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const pending = [...(children.get(process.pid) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    pending.push(...(children.get(pid) ?? []));
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium')) continue;
    } catch {
      continue;
    }
    total += stats.get(pid)?.cpuSeconds ?? 0;
  }
  return total;
}

export async function cpuPercentDuring(ms: number): Promise<number> {
  const before = ownChromiumCpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (100 * (ownChromiumCpuSeconds() - before)) / (ms / 1000);
}
