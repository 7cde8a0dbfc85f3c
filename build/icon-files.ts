/**
 * Icon containers written by hand, since no image tool is guaranteed on the build machine:
 * ICO with PNG-compressed entries (Windows Vista and later) and ICNS with PNG entries (macOS 10.7+).
 * The readers exist so the tests can check what make-icons.ts wrote.
 */

export interface PngImage {
  /** Width = height, in pixels. */
  size: number;
  data: Buffer;
}

/** Rendered sizes (build/icons/NxN.png, Linux), and the ones the Windows .ico carries. */
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** ICONDIR + one 16-byte ICONDIRENTRY per image, then the PNGs; all little-endian. */
export function encodeIco(images: readonly PngImage[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((image, index) => {
    if (image.size > 256) throw new Error(`ICO entries are at most 256 px, not ${image.size}`);
    const entry = 6 + 16 * index;
    // 0 means 256 in the one-byte width and height fields.
    header.writeUInt8(image.size === 256 ? 0 : image.size, entry);
    header.writeUInt8(image.size === 256 ? 0 : image.size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(image.data.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += image.data.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.data)]);
}

export function decodeIco(ico: Buffer): PngImage[] {
  if (ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('not an ICO');
  return Array.from({ length: ico.readUInt16LE(4) }, (_, index) => {
    const entry = 6 + 16 * index;
    const length = ico.readUInt32LE(entry + 8);
    const offset = ico.readUInt32LE(entry + 12);
    return { size: ico.readUInt8(entry) || 256, data: ico.subarray(offset, offset + length) };
  });
}

/** ICNS PNG entry types by pixel size (the @2x types reuse the next size up). */
export const ICNS_TYPES: Readonly<Record<string, number>> = {
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024, // 512@2x
  ic11: 32, // 16@2x
  ic12: 64, // 32@2x
  ic13: 256, // 128@2x
  ic14: 512, // 256@2x
};

/** 'icns' + total length, then per entry: 4-char type + length (including its 8-byte header) + PNG. */
export function encodeIcns(entries: ReadonlyArray<{ type: string; data: Buffer }>): Buffer {
  const chunks = entries.map(({ type, data }) => {
    const header = Buffer.alloc(8);
    header.write(type, 0, 'latin1');
    header.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([header, data]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([header, ...chunks]);
}

export function decodeIcns(icns: Buffer): Array<{ type: string; data: Buffer }> {
  if (icns.toString('latin1', 0, 4) !== 'icns' || icns.readUInt32BE(4) !== icns.length) {
    throw new Error('not an ICNS');
  }
  const entries: Array<{ type: string; data: Buffer }> = [];
  for (let offset = 8; offset < icns.length;) {
    const length = icns.readUInt32BE(offset + 4);
    entries.push({
      type: icns.toString('latin1', offset, offset + 4),
      data: icns.subarray(offset + 8, offset + length),
    });
    offset += length;
  }
  return entries;
}
