/** What bench/meeting.ts measures, shared by its app and bare halves. */
import type { Page } from '@playwright/test';

export interface Participant {
  name: string;
  page: Page;
}

export interface Sent {
  width: number;
  height: number;
  fps: number;
}

export interface SizeResult {
  setup: number[];
  /** Per set-up, who waited longest for whom. */
  slowest: string[];
  ring: number[];
  /** Answer click → all decode all (BENCH_MEETING_ANSWER_AFTER_MS: a person's ring first). */
  fromAnswer: number[];
  /** Mean over the steady windows (cpuWindows of them), as the two below. */
  cpuTotal: number;
  cpuWindows: number;
  /** The same, by Chromium process kind. */
  cpuByKind: Map<string, number>;
  hostCpu: number;
  /** This Node process over the timed set-ups (host-load.ts). */
  host: string;
  /** What each participant sent at the end of the last steady window. */
  sent: { name: string; links: Sent[] }[];
  /** Frames per second sent over every link, the mean over the steady windows. */
  framesPerSecond: number;
}

export const emptyResult = (): SizeResult => ({
  setup: [],
  slowest: [],
  ring: [],
  fromAnswer: [],
  cpuTotal: 0,
  cpuWindows: 0,
  cpuByKind: new Map(),
  hostCpu: 0,
  host: '',
  sent: [],
  framesPerSecond: 0,
});

/** Where one <video> shows on the app's stage, and how (bare pages copy it: meeting-bare.ts). */
export interface VideoSlot {
  left: number;
  top: number;
  width: number;
  height: number;
  objectFit: string;
  transform: string;
  borderRadius: string;
}

/** The app's videos at a meeting's size: my camera's slot and the others' slots, in page order. */
export interface VideoLayout {
  self: VideoSlot | null;
  others: VideoSlot[];
}

/** How a size is run (bench/meeting.ts's settings). */
export interface RunOptions {
  repeats: number;
  /** Wait after the last set-up before the CPU window. */
  settleMs: number;
  cpuWindowMs: number;
  /** Also profile where the CPU goes (page-profile.ts). */
  profile: boolean;
  /** How long the app's invitees let it ring before they answer (0: at once). */
  answerAfterMs: number;
  log: (line?: string) => void;
}
