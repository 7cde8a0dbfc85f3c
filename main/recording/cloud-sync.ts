/**
 * Whether a folder is inside one that a cloud service copies off the computer (OneDrive, iCloud
 * Drive, Dropbox, Google Drive): recordings there would not stay local-only. Judged from the path
 * alone (plus OneDrive's own environment variables), per platform, with no disk access: the
 * standard places each client uses, including business names such as "OneDrive - Contoso".
 */
import { posix, win32 } from 'node:path';

export type CloudProvider = 'OneDrive' | 'iCloud Drive' | 'Dropbox' | 'Google Drive';

/** The environment variables OneDrive sets on Windows to its folders. */
const ONEDRIVE_ENV = ['OneDrive', 'OneDriveCommercial', 'OneDriveConsumer'] as const;

/** Folder names that are a provider's synced root wherever they appear. */
const ROOT_NAMES: [RegExp, CloudProvider][] = [
  [/^onedrive( - .+)?$/, 'OneDrive'],
  [/^dropbox( \(.+\))?$/, 'Dropbox'],
  [/^(icloud ?drive|icloud ?drive \(.+\))$/, 'iCloud Drive'],
  // Google Drive for desktop: "My Drive" on its own drive letter (G:\My Drive) or mirrored.
  [/^(google drive|my drive|shared drives)$/, 'Google Drive'],
];

/** Names under macOS's ~/Library/CloudStorage (the File Provider places). */
const CLOUD_STORAGE_NAMES: [RegExp, CloudProvider][] = [
  [/^onedrive-/, 'OneDrive'],
  [/^dropbox/, 'Dropbox'],
  [/^googledrive-/, 'Google Drive'],
];

function segmentsOf(folder: string, platform: NodeJS.Platform): string[] {
  const path = platform === 'win32' ? win32 : posix;
  return path
    .resolve(folder)
    .split(platform === 'win32' ? /[\\/]+/ : /\/+/)
    .filter((segment) => segment !== '')
    .map((segment) => segment.toLowerCase());
}

function isInside(folder: string, root: string, platform: NodeJS.Platform): boolean {
  const path = platform === 'win32' ? win32 : posix;
  if (!path.isAbsolute(root)) return false;
  // Windows and macOS (by default) do not tell "onedrive" from "OneDrive".
  const fold = (value: string): string =>
    platform === 'win32' || platform === 'darwin' ? value.toLowerCase() : value;
  const relative = path.relative(fold(path.resolve(root)), fold(path.resolve(folder)));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`);
  return !outside && !path.isAbsolute(relative);
}

export function cloudSyncProvider(
  folder: string,
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
): CloudProvider | null {
  for (const name of ONEDRIVE_ENV) {
    const root = env[name];
    if (root && isInside(folder, root, platform)) return 'OneDrive';
  }
  const segments = segmentsOf(folder, platform);
  for (const [index, segment] of segments.entries()) {
    for (const [pattern, provider] of ROOT_NAMES) if (pattern.test(segment)) return provider;
    if (platform === 'darwin' && segments[index - 1] === 'library') {
      if (segment === 'mobile documents') return 'iCloud Drive';
      if (segment === 'cloudstorage') {
        const next = segments[index + 1] ?? '';
        for (const [pattern, provider] of CLOUD_STORAGE_NAMES) {
          if (pattern.test(next)) return provider;
        }
      }
    }
  }
  return null;
}
