/**
 * The Electron fuses every build ships with, in one place: Forge's fuses plugin (forge.config.ts)
 * and electron-builder's afterPack hook (build/after-pack.ts) both read this object, so a
 * development package and a signed installer can never disagree.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

export const FUSES = {
  version: FuseVersion.V1,
  // A future Electron with a new fuse fails the build instead of silently inheriting its default.
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the signed binary into a general-purpose Node.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS / --inspect would let anyone on the machine inject code into main.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only the app.asar we signed is loaded, and its hash is checked (macOS, Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The renderer is served from app://, never file://.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default; listed because strictlyRequireAllFuses wants every fuse stated.
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config;
