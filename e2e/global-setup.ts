import { join } from 'node:path';
import { build } from 'vite';
import { buildRenderer } from './host/renderer-build.ts';

/** The guest page as the server serves it (.vite/guest/, see vite.guest.config.ts). */
async function buildGuestPage(): Promise<void> {
  await build({
    configFile: join(import.meta.dirname, '..', 'vite.guest.config.ts'),
    logLevel: 'warn',
  });
}

export default async function globalSetup(): Promise<void> {
  await buildRenderer();
  await buildGuestPage();
}
