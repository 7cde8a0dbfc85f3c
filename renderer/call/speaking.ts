/**
 * Who is speaking, from the remote voices' levels sampled twice a second (each the RMS since
 * the sample before, so a short sound between two samples still counts). A voice counts from
 * its first loud sample until it has been quiet for a while: speech has pauses, and a
 * highlight that flickers with every one is no help to anyone (and each flicker is a render of
 * the call screen).
 */

/** Above this RMS level (0..1; -40 dBFS) a voice is loud enough to count as speech. */
export const SPEAKING_LEVEL = 0.01;
/** How long a voice still counts as speaking after its last loud sample. */
export const SPEAKING_HOLD_MS = 1_000;

export interface SpeakingDetector {
  /**
   * Levels now, by participant (the ones not named are gone). Returns who is speaking when
   * that changed since the last call, else null.
   */
  update(levels: ReadonlyMap<string, number>, now: number): string[] | null;
}

export function createSpeakingDetector(holdMs = SPEAKING_HOLD_MS): SpeakingDetector {
  const lastLoud = new Map<string, number>();
  let speaking: string[] = [];
  return {
    update(levels, now) {
      for (const id of lastLoud.keys()) if (!levels.has(id)) lastLoud.delete(id);
      for (const [id, level] of levels) if (level > SPEAKING_LEVEL) lastLoud.set(id, now);
      const ids = [...lastLoud]
        .filter(([, at]) => now - at < holdMs)
        .map(([id]) => id)
        .sort();
      if (ids.length === speaking.length && ids.every((id, i) => id === speaking[i])) return null;
      speaking = ids;
      return ids;
    },
  };
}
