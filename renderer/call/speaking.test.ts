import { describe, expect, it } from 'vitest';
import { createSpeakingDetector, SPEAKING_HOLD_MS, SPEAKING_LEVEL } from './speaking.ts';

const loud = SPEAKING_LEVEL * 5;
const quiet = SPEAKING_LEVEL / 2;
const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('who is speaking', () => {
  it('shows a voice from its first loud sample, through short pauses, until it stays quiet', () => {
    const detector = createSpeakingDetector();
    expect(detector.update(levels({ blake: quiet, casey: quiet }), 0)).toBeNull();
    expect(detector.update(levels({ blake: loud, casey: quiet }), 250)).toEqual(['blake']);
    // A pause between words: no change, so nothing to render.
    expect(detector.update(levels({ blake: quiet, casey: quiet }), 500)).toBeNull();
    expect(detector.update(levels({ blake: loud, casey: loud }), 750)).toEqual(['blake', 'casey']);
    expect(detector.update(levels({ blake: quiet, casey: quiet }), 750 + SPEAKING_HOLD_MS)).toEqual(
      [],
    );
    expect(
      detector.update(levels({ blake: quiet, casey: quiet }), 1000 + SPEAKING_HOLD_MS),
    ).toBeNull();
  });

  it('forgets someone whose session is gone, even mid-sentence', () => {
    const detector = createSpeakingDetector();
    expect(detector.update(levels({ blake: loud, casey: loud }), 0)).toEqual(['blake', 'casey']);
    expect(detector.update(levels({ casey: loud }), 250)).toEqual(['casey']);
    expect(detector.update(levels({ blake: quiet, casey: loud }), 500)).toBeNull();
  });
});
