/**
 * Recording file names: `2026-11-24 10-30 Call with Alice and Bob.webm`, safe on Windows, macOS
 * and Linux whatever the participants call themselves.
 */

/** UTF-8 bytes for the participants part of a file name; the whole name stays far below 255. */
const NAMES_MAX_BYTES = 120;
const NAME_MAX_BYTES = 48;

const RESERVED_WINDOWS = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const codePoint of text) {
    used += Buffer.byteLength(codePoint);
    if (used > maxBytes) break;
    out += codePoint;
  }
  return out;
}

/**
 * Makes text safe as (part of) a file name on Windows, macOS and Linux: no separators or
 * reserved characters, no control or invisible formatting characters (a bidi override could
 * disguise the extension), no leading/trailing dots or spaces, no reserved device name, bounded.
 */
export function safeFileStem(text: string, maxBytes = NAME_MAX_BYTES): string {
  const trim = (value: string): string => value.replace(/^[.\s]+|[.\s]+$/g, '');
  let name = trim(
    text
      .normalize('NFC')
      .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
      .replace(/[<>:"/\\|?*]/g, ' ')
      .replace(/\s+/g, ' '),
  );
  name = trim(truncateUtf8(name, maxBytes));
  return RESERVED_WINDOWS.test(name) ? `${name}_` : name;
}

export function extensionFor(mimeType: string): string {
  const type = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.endsWith('/webm')) return '.webm';
  if (type.endsWith('/mp4')) return '.mp4';
  if (type.endsWith('/x-matroska')) return '.mkv';
  return '.bin';
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** `2026-11-24 10-30 Call with Alice` (local time; no colons, Windows forbids them). */
export function recordingStem(at: number, displayNames: string[]): string {
  const date = new Date(at);
  const when =
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}-${pad(date.getMinutes())}`;
  const names = displayNames.map((name) => safeFileStem(name)).filter((name) => name !== '');
  if (names.length === 0) return `${when} Call`;
  const shown = names.slice(0, 3);
  const others = names.length - shown.length;
  const last = others > 0 ? `${others} other${others === 1 ? '' : 's'}` : shown.pop();
  const list = shown.length > 0 ? `${shown.join(', ')} and ${last ?? ''}` : (last ?? '');
  return `${when} Call with ${safeFileStem(list, NAMES_MAX_BYTES)}`;
}
