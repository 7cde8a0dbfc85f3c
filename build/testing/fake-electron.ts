/**
 * A stand-in for an Electron build, for packaging tests on a machine without the Electron binary:
 * an "executable" that carries a real fuse wire (sentinel, version, length, states) at Electron's
 * defaults, so @electron/fuses can flip it and read it back.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';

// The marker @electron/fuses searches the binary for.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

type FuseName = keyof typeof FuseV1Options;

/** Electron's own defaults, so a hook that does nothing leaves visibly wrong fuses behind. */
const ELECTRON_DEFAULTS: ReadonlyArray<[FuseName, boolean]> = [
  ['RunAsNode', true],
  ['EnableCookieEncryption', false],
  ['EnableNodeOptionsEnvironmentVariable', true],
  ['EnableNodeCliInspectArguments', true],
  ['EnableEmbeddedAsarIntegrityValidation', false],
  ['OnlyLoadAppFromAsar', false],
  ['LoadBrowserProcessSpecificV8Snapshot', false],
  ['GrantFileProtocolExtraPrivileges', true],
  ['WasmTrapHandlers', true],
];

export async function writeFakeElectronBinary(path: string): Promise<void> {
  const states: number[] = [];
  for (const [name, on] of ELECTRON_DEFAULTS) {
    // The wire position of each fuse is its FuseV1Options value.
    states[FuseV1Options[name]] = on ? FuseState.ENABLE : FuseState.DISABLE;
  }
  const wire = Buffer.from([1, states.length, ...states]);
  await writeFile(
    path,
    Buffer.concat([Buffer.from('#!/bin/sh\nexit 1\n'), Buffer.from(SENTINEL), wire]),
  );
  await chmod(path, 0o755);
}

/** An unpacked Linux Electron dist as electron-builder's `electronDist` expects it. */
export async function writeFakeElectronDist(dir: string): Promise<void> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  await writeFakeElectronBinary(join(dir, 'electron'));
}

/** The fuse wire as `{ RunAsNode: true, … }`, read back from a binary. */
export async function readFuses(path: string): Promise<Record<string, boolean>> {
  const wire = await getCurrentFuseWire(path);
  return Object.fromEntries(
    ELECTRON_DEFAULTS.map(([name]) => [name, wire[FuseV1Options[name]] === FuseState.ENABLE]),
  );
}

/** A fuse config (build/fuses.ts) in the same `{ RunAsNode: false, … }` shape. */
export function expectedFuses(config: FuseV1Config): Record<string, boolean> {
  return Object.fromEntries(
    ELECTRON_DEFAULTS.map(([name]) => [name, config[FuseV1Options[name]] === true]),
  );
}
