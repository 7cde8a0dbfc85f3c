/**
 * electron-builder `afterPack` hook: flips the Electron fuses (build/fuses.ts) in the packed binary.
 * It runs before electron-builder signs, so the signature covers the flipped fuses. Node 24 loads this
 * file directly (type stripping); electron-builder only needs it to export `default`.
 */
import { join } from 'node:path';
import { flipFuses } from '@electron/fuses';
import { Arch, type AfterPackContext } from 'electron-builder';
import { FUSES } from './fuses.ts';

/** The file whose fuse wire gets flipped; flipFuses finds the framework inside a `.app` itself. */
export function electronBinaryPath(context: AfterPackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default: {
      // Linux names the binary after linux.executableName (the package name by default).
      const name = 'executableName' in packager ? packager.executableName : undefined;
      if (typeof name !== 'string') {
        throw new Error(`afterPack: no executable name for ${electronPlatformName}`);
      }
      return join(appOutDir, name);
    }
  }
}

export default async function afterPack(context: AfterPackContext): Promise<void> {
  // flipFuses throws when the binary has no fuse wire, so a build can never ship unfused.
  await flipFuses(electronBinaryPath(context), {
    ...FUSES,
    // Flipping invalidates an arm64 ad-hoc signature; re-sign ad hoc so an unsigned build still starts.
    resetAdHocDarwinSignature:
      context.electronPlatformName === 'darwin' && context.arch === Arch.arm64,
  });
}
