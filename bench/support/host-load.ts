/**
 * How busy this Node process was while meetings were set up: in bench/meeting.ts it carries all
 * of the bare pages' signaling and, for the app, the server and every advisor's main-process
 * services too, so a set-up can wait on it. Its CPU (% of a core) and its event loop's delay
 * (how late a 5 ms timer fired) over the timed set-ups only.
 */
import { createHistogram } from 'node:perf_hooks';
import { fixed } from './stats.ts';

export interface HostLoad {
  /** Counts from now until stop(); windows add up. */
  start(): void;
  stop(): void;
  /** "CPU 43 % of a core, event loop late p50 1 ms, p99 30 ms, max 120 ms". */
  summary(): string;
}

const TICK_MS = 5;

export function watchHostLoad(): HostLoad {
  // Our own ticks, not monitorEventLoopDelay: enabled again, that counts the pause as one delay.
  const lateMicros = createHistogram();
  let cpuMicros = 0;
  let wallMs = 0;
  let since: { cpu: NodeJS.CpuUsage; at: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = (due: number) => {
    timer = setTimeout(() => {
      const now = performance.now();
      lateMicros.record(Math.max(1, Math.round(1000 * (now - due))));
      tick(now + TICK_MS);
    }, TICK_MS);
  };
  return {
    start() {
      since = { cpu: process.cpuUsage(), at: performance.now() };
      tick(since.at + TICK_MS);
    },
    stop() {
      clearTimeout(timer);
      if (!since) return;
      const used = process.cpuUsage(since.cpu);
      cpuMicros += used.user + used.system;
      wallMs += performance.now() - since.at;
      since = null;
    },
    summary() {
      const ms = (micros: number) => fixed(micros / 1000, 0);
      const cpu = wallMs > 0 ? (100 * cpuMicros) / 1000 / wallMs : Number.NaN;
      return `CPU ${fixed(cpu, 0)} % of a core, event loop late p50 ${ms(lateMicros.percentile(50))} ms, p99 ${ms(lateMicros.percentile(99))} ms, max ${ms(lateMicros.max)} ms`;
    },
  };
}
