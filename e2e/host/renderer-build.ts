/** Builds the renderer once for the test run, as the app ships it (production Vite build). */
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export const RENDERER_OUT = join(import.meta.dirname, '..', '..', 'out', 'e2e-renderer');

export async function buildRenderer(): Promise<void> {
  await build({
    root: join(import.meta.dirname, '..', '..', 'renderer'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir: RENDERER_OUT, emptyOutDir: true, sourcemap: false },
  });
}
