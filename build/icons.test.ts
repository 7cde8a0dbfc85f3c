/** The committed icon files, as the installers will read them. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ICNS_TYPES,
  ICO_SIZES,
  PNG_SIZES,
  decodeIcns,
  decodeIco,
  encodeIcns,
  encodeIco,
  pngSize,
} from './icon-files.ts';

const dir = import.meta.dirname;

describe('build/icons/*.png', () => {
  it.each(PNG_SIZES)('%i x %i is a PNG of that size', async (size) => {
    const png = await readFile(join(dir, 'icons', `${size}x${size}.png`));
    expect(pngSize(png)).toEqual({ width: size, height: size });
  });
});

describe('build/icon.ico', () => {
  it('holds PNG entries of 16 to 256 px whose sizes match their headers', async () => {
    const images = decodeIco(await readFile(join(dir, 'icon.ico')));
    expect(images.map((image) => image.size)).toEqual(ICO_SIZES);
    for (const image of images) {
      expect(pngSize(image.data)).toEqual({ width: image.size, height: image.size });
    }
  });

  it('round-trips through the encoder, 256 px stored as 0', () => {
    const png = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    const ico = encodeIco([{ size: 256, data: png }]);
    expect(ico.readUInt8(6)).toBe(0);
    expect(decodeIco(ico)).toEqual([{ size: 256, data: png }]);
    expect(() => encodeIco([{ size: 512, data: png }])).toThrow(/at most 256/);
  });
});

describe('build/icon.icns', () => {
  it('holds the PNG entries ic07 to ic14 at their sizes', async () => {
    const entries = decodeIcns(await readFile(join(dir, 'icon.icns')));
    expect(entries.map((entry) => entry.type)).toEqual(Object.keys(ICNS_TYPES));
    for (const entry of entries) {
      const size = ICNS_TYPES[entry.type]!;
      expect(pngSize(entry.data)).toEqual({ width: size, height: size });
    }
  });

  it('declares its own length, and a truncated file is refused', () => {
    const icns = encodeIcns([{ type: 'ic07', data: Buffer.from('png') }]);
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(() => decodeIcns(icns.subarray(0, icns.length - 1))).toThrow(/not an ICNS/);
  });
});
