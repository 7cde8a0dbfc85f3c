/**
 * The call timers (ring timeout, reconnect grace), behind an interface: a job is a plain string
 * that says everything its handler needs, so that in a cluster (server/cluster/redis-timers.ts)
 * whichever node is alive when it falls due can run it, not only the node that set it.
 */
export interface CallTimers {
  /**
   * Runs the handler with `job` after `delayMs`; setting a job again restarts it. Once here; in a
   * cluster at least once (server/cluster/redis-timers.ts), so handlers must be safe to repeat.
   */
  set(job: string, delayMs: number): Promise<void>;
  clear(job: string): Promise<void>;
  /** Stops every timer (server shutdown). */
  close(): void;
}

export type TimerFactory = (onDue: (job: string) => Promise<void>) => CallTimers;

export const createMemoryTimers: TimerFactory = (onDue) => {
  const timers = new Map<string, NodeJS.Timeout>();
  const clear = (job: string): void => {
    clearTimeout(timers.get(job));
    timers.delete(job);
  };
  return {
    set(job, delayMs) {
      clear(job);
      timers.set(
        job,
        setTimeout(() => {
          timers.delete(job);
          void onDue(job);
        }, delayMs),
      );
      return Promise.resolve();
    },
    clear(job) {
      clear(job);
      return Promise.resolve();
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
};
