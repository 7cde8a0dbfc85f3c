/**
 * The Electron fuses every build ships with. electron-builder.yml's `electronFuses` block is the one
 * source: electron-builder flips them itself before signing, and Forge's fuses plugin
 * (forge.config.ts) gets the same values from here, so a development package and a signed
 * installer can never disagree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/** electron-builder's `electronFuses` keys, each with the fuse it sets. */
export const BUILDER_FUSES = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
} as const;
export type BuilderFuses = Record<keyof typeof BUILDER_FUSES, boolean> & {
  resetAdHocDarwinSignature?: boolean;
};

/**
 * The `electronFuses:` block of electron-builder.yml: `key: true|false` lines only. Strict, so a
 * missing fuse or anything unexpected fails here rather than shipping a default. (The test checks
 * it reads what electron-builder's own loader reads.)
 */
export function readBuilderFuses(yml: string): BuilderFuses {
  const lines = yml.split(/\r?\n/);
  const start = lines.indexOf('electronFuses:');
  if (start === -1) throw new Error('electron-builder.yml has no top-level electronFuses block');
  const values: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    if (!/^\s/.test(line)) break;
    const [, key, value] = /^ {2}([A-Za-z0-9]+): (true|false)$/.exec(line) ?? [];
    if (!key) throw new Error(`electronFuses: cannot read "${line.trim()}"`);
    values[key] = value === 'true';
  }
  const missing = Object.keys(BUILDER_FUSES).filter((key) => !(key in values));
  if (missing.length > 0) throw new Error(`electronFuses: ${missing.join(', ')} not set`);
  return values as BuilderFuses;
}

/** The same settings for @electron/fuses (Forge's fuses plugin). */
export function forgeFuses(builder: BuilderFuses): FuseV1Config {
  const fromBuilder = Object.fromEntries(
    Object.entries(BUILDER_FUSES).map(([key, fuse]) => [
      fuse,
      builder[key as keyof typeof BUILDER_FUSES],
    ]),
  ) as Record<FuseV1Options, boolean>;
  return {
    version: FuseVersion.V1,
    // A future Electron with a new fuse fails the build instead of silently inheriting its default.
    strictlyRequireAllFuses: true,
    ...fromBuilder,
    // Electron's default; electron-builder has no key for it, so both leave it as it is.
    [FuseV1Options.WasmTrapHandlers]: true,
  };
}

export const BUILDER_CONFIG = join(import.meta.dirname, '..', 'electron-builder.yml');

export const FUSES: FuseV1Config = forgeFuses(
  readBuilderFuses(readFileSync(BUILDER_CONFIG, 'utf8')),
);
