/**
 * `node build/make-icons.ts`: renders build/icon.svg with headless Chromium into build/icons/NxN.png
 * (Linux, and the source of the others), build/icon.ico (Windows) and build/icon.icns (macOS).
 * Chromium rasterises the vector at each size, so the small icons are sharp rather than downscaled.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import {
  ICNS_TYPES,
  ICO_SIZES,
  PNG_SIZES,
  encodeIcns,
  encodeIco,
  type PngImage,
} from './icon-files.ts';

const buildDir = import.meta.dirname;

async function renderPngs(svg: string): Promise<PngImage[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const images: PngImage[] = [];
    for (const size of PNG_SIZES) {
      await page.setViewportSize({ width: size, height: size });
      // setContent waits for the load event, which waits for the image.
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}</style>` +
          `<img src="${dataUrl}" width="${size}" height="${size}" style="display:block">`,
        { waitUntil: 'load' },
      );
      const data = await page.screenshot({ omitBackground: true, type: 'png' });
      images.push({ size, data });
    }
    return images;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const svg = await readFile(join(buildDir, 'icon.svg'), 'utf8');
  const pngs = await renderPngs(svg);
  const bySize = new Map(pngs.map((png) => [png.size, png.data]));
  const png = (size: number): Buffer => {
    const data = bySize.get(size);
    if (!data) throw new Error(`no ${size} px rendering`);
    return data;
  };

  await mkdir(join(buildDir, 'icons'), { recursive: true });
  for (const { size, data } of pngs) {
    await writeFile(join(buildDir, 'icons', `${size}x${size}.png`), data);
  }
  await writeFile(
    join(buildDir, 'icon.ico'),
    encodeIco(ICO_SIZES.map((size) => ({ size, data: png(size) }))),
  );
  await writeFile(
    join(buildDir, 'icon.icns'),
    encodeIcns(Object.entries(ICNS_TYPES).map(([type, size]) => ({ type, data: png(size) }))),
  );
  console.log(`Wrote build/icons/*.png (${PNG_SIZES.join(', ')}), build/icon.ico, build/icon.icns`);
}

await main();
