/**
 * Is the Electron binary there for `npm start`? The same lookup as the `electron` package's index.js
 * (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH), minus its side effect: index.js starts a download
 * when the binary is missing, which fails without internet. Pure: the file system comes in as functions.
 */
import { join } from 'node:path';

export interface ElectronProbe {
  /** node_modules/electron */
  electronDir: string;
  /** process.env.ELECTRON_OVERRIDE_DIST_PATH */
  overrideDistPath: string | undefined;
  exists: (path: string) => boolean;
  /** The file's text, or undefined when it does not exist. */
  readText: (path: string) => string | undefined;
}

export type ElectronBinary = { ok: true; path: string } | { ok: false; message: string };

export const MISSING_BINARY_MESSAGE =
  'npm start needs the Electron binary, which is not installed (no network access to download it). ' +
  'Install it with "npx electron --version" on a machine with internet, or set ELECTRON_OVERRIDE_DIST_PATH ' +
  'to an Electron build. The server alone runs with: npm run server -- --demo';

export function findElectronBinary(probe: ElectronProbe): ElectronBinary {
  if (!probe.exists(join(probe.electronDir, 'package.json'))) {
    return {
      ok: false,
      message: 'npm start needs the electron package, which is not installed: run npm ci first.',
    };
  }
  // path.txt names the executable inside the platform's dist (e.g. "electron", "Electron.app/...").
  const executable = probe.readText(join(probe.electronDir, 'path.txt'))?.trim();
  const override = probe.overrideDistPath?.trim();
  if (override) {
    const path = join(override, executable || 'electron');
    return probe.exists(path)
      ? { ok: true, path }
      : {
          ok: false,
          message: `ELECTRON_OVERRIDE_DIST_PATH is set to ${override}, but there is no Electron binary at ${path}.`,
        };
  }
  if (!executable) return { ok: false, message: MISSING_BINARY_MESSAGE };
  const path = join(probe.electronDir, 'dist', executable);
  return probe.exists(path) ? { ok: true, path } : { ok: false, message: MISSING_BINARY_MESSAGE };
}
