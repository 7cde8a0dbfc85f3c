/**
 * CPU of this process's own Chromium (other browsers on the machine are not counted), read from
 * /proc: by process kind, and of this Node process, over a window.
 */
import { readFileSync, readdirSync } from 'node:fs';

function cpuSecondsOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

/**
 * CPU seconds of every Chromium process descended from this Node process, by kind (browser,
 * gpu: the display compositor with --disable-gpu, renderer, audio, network, video-capture).
 */
function ourChromiumCpuSeconds(): Map<string, number> {
  const parent = new Map<string, string>();
  const command = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '');
      command.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // the process ended meanwhile
    }
  }
  const me = String(process.pid);
  const ours = (pid: string): boolean => {
    for (let p: string | undefined = pid, hops = 0; p && p !== '0' && hops < 64; hops++) {
      if (p === me) return true;
      p = parent.get(p);
    }
    return false;
  };
  const byKind = new Map<string, number>();
  for (const [pid, cmd] of command) {
    if (!cmd.includes('chromium') || !ours(pid)) continue;
    try {
      const kind = kindOf(cmd);
      byKind.set(kind, (byKind.get(kind) ?? 0) + cpuSecondsOf(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return byKind;
}

const sum = (byKind: Map<string, number>) => [...byKind.values()].reduce((a, b) => a + b, 0);

/** % of one core used by our Chromium (all of it, and by kind) and by this Node process, during `ms`. */
export async function cpuDuring(
  ms: number,
): Promise<{ chromium: number; byKind: Map<string, number>; host: number }> {
  const before = ourChromiumCpuSeconds();
  const hostBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const host = process.cpuUsage(hostBefore);
  const after = ourChromiumCpuSeconds();
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
