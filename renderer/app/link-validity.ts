/**
 * How long a meeting link is valid, in words: "Valid for 24 hours, until 14:05 tomorrow". The
 * times are the server's (createdAt, expiresAt), shown in the advisor's own clock and language.
 */

export interface TimeFormat {
  locale?: string;
  /** For tests; the advisor's own zone otherwise. */
  timeZone?: string;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "24 hours", "1 hour 30 minutes", "5 minutes" (rounded to the minute). */
export function durationInWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return plural(rest, 'minute');
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

function dayKey(at: number, format: TimeFormat): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: format.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** "14:05" today, "14:05 tomorrow", otherwise with the day: "14:05 on Tue 3 Mar". */
export function timeInWords(at: number, now: number, format: TimeFormat = {}): string {
  const time = new Intl.DateTimeFormat(format.locale, {
    timeZone: format.timeZone,
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
  const day = dayKey(at, format);
  if (day === dayKey(now, format)) return time;
  if (day === dayKey(now + 86_400_000, format)) return `${time} tomorrow`;
  const date = new Intl.DateTimeFormat(format.locale, {
    timeZone: format.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(at);
  return `${time} on ${date}`;
}

export function validityInWords(
  link: { createdAt: number; expiresAt: number },
  now: number,
  format: TimeFormat = {},
): string {
  const length = durationInWords(link.expiresAt - link.createdAt);
  return `Valid for ${length}, until ${timeInWords(link.expiresAt, now, format)}.`;
}
