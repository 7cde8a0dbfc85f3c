import { describe, expect, it } from 'vitest';
import { durationInWords, timeInWords, validityInWords } from './link-validity.ts';

const UTC = { locale: 'en-GB', timeZone: 'UTC' };
const at = (iso: string) => Date.parse(iso);

describe('durationInWords', () => {
  it.each([
    [24 * 60, '24 hours'],
    [60, '1 hour'],
    [90, '1 hour 30 minutes'],
    [61, '1 hour 1 minute'],
    [5, '5 minutes'],
    [1, '1 minute'],
  ])('%i minutes is "%s"', (minutes, words) => {
    expect(durationInWords(minutes * 60_000)).toBe(words);
  });

  it('rounds server clock noise to the minute', () => {
    expect(durationInWords(24 * 3_600_000 + 400)).toBe('24 hours');
  });
});

describe('timeInWords', () => {
  const now = at('2025-03-03T09:00:00Z');
  it('says the time alone for today, "tomorrow" for the next day, the date after that', () => {
    expect(timeInWords(at('2025-03-03T14:05:00Z'), now, UTC)).toBe('14:05');
    expect(timeInWords(at('2025-03-04T08:30:00Z'), now, UTC)).toBe('08:30 tomorrow');
    expect(timeInWords(at('2025-03-06T08:30:00Z'), now, UTC)).toBe('08:30 on Thu 6 Mar');
  });
});

describe('validityInWords', () => {
  it('a link of the longest kind', () => {
    const createdAt = at('2025-03-03T14:05:00Z');
    expect(
      validityInWords({ createdAt, expiresAt: createdAt + 24 * 3_600_000 }, createdAt, UTC),
    ).toBe('Valid for 24 hours, until 14:05 tomorrow.');
  });

  it('a link IT keeps short', () => {
    const createdAt = at('2025-03-03T14:05:00Z');
    expect(validityInWords({ createdAt, expiresAt: createdAt + 3_600_000 }, createdAt, UTC)).toBe(
      'Valid for 1 hour, until 15:05.',
    );
  });
});
