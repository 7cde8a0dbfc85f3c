/**
 * What is sampled from every peer session while a call runs, on one clock for all of them and
 * from one getStats per connection (peer-meter.ts): who is speaking, twice a second, and each
 * connection's quality, once a second, all told to the state in one change (React renders once
 * for all participants, not once per participant). Nothing is sampled while the window is
 * hidden: nobody sees the numbers or the highlight then.
 */
import type { CallAction } from './call-state.ts';
import type { PeerSession } from './peer-session.ts';
import { createSpeakingDetector } from './speaking.ts';
import type { Quality } from './types.ts';

const SAMPLE_MS = 500;
/** The quality shown changes every this many samples (once a second). */
const QUALITY_EVERY = 2;

export interface MeetingMeters {
  /** Starts sampling, if not already. */
  start(): void;
  stop(): void;
}

const hidden = (): boolean =>
  typeof document !== 'undefined' && document.visibilityState === 'hidden';

export function createMeetingMeters(deps: {
  sessions: () => PeerSession[];
  dispatch: (action: CallAction) => void;
}): MeetingMeters {
  let timer: ReturnType<typeof setInterval> | undefined;
  let speaking = createSpeakingDetector();
  let sampling = false;
  let count = 0;

  async function sample(): Promise<void> {
    // A sample still waiting (a busy machine) is not doubled up.
    if (hidden() || sampling) return;
    sampling = true;
    try {
      const sessions = deps.sessions();
      const samples = await Promise.all(sessions.map((s) => s.sample().catch(() => null)));
      const levels = new Map(sessions.map((s, i) => [s.peerId, samples[i]?.voice ?? 0]));
      const ids = speaking.update(levels, performance.now());
      if (ids) deps.dispatch({ type: 'speaking', ids });
      if (++count % QUALITY_EVERY !== 0) return;
      const byId: Record<string, Quality> = {};
      sessions.forEach((s, i) => {
        const quality = samples[i]?.quality;
        if (quality) byId[s.peerId] = quality;
      });
      if (Object.keys(byId).length > 0) deps.dispatch({ type: 'quality', byId });
    } finally {
      sampling = false;
    }
  }

  return {
    start() {
      if (timer !== undefined) return;
      speaking = createSpeakingDetector();
      timer = setInterval(() => void sample(), SAMPLE_MS);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
