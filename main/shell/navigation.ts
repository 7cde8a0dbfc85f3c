/**
 * The window never leaves our origin and never opens another window; the only way out is
 * openExternalSafely, for https links main itself produces.
 */
import { shell, type WebContents } from 'electron';
import { originOf } from './protocol.ts';

/** Pure: may a navigation or redirect to `url` proceed? */
export function isAllowedNavigation(url: string, trustedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && trustedOrigins.includes(origin);
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function guardNavigation(
  contents: GuardedContents,
  trustedOrigins: readonly string[],
): void {
  contents.on('will-navigate', (details) => {
    if (!isAllowedNavigation(details.url, trustedOrigins)) details.preventDefault();
  });
  contents.on('will-redirect', (details) => {
    if (!isAllowedNavigation(details.url, trustedOrigins)) details.preventDefault();
  });
  // No webviews, even if a future change turned the tag on.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  // window.open and target=_blank: never a new window, never handed to the OS from here (a
  // page-chosen URL is not one we generated).
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Opens `url` in the default browser only if it is plain https (no credentials in it). */
export async function openExternalSafely(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  await shell.openExternal(parsed.href);
  return true;
}
