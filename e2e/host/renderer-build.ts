/**
 * Builds the renderer as the app ships it (production Vite build): once for the test run, and
 * for a bench into a folder of its own (rebuilding out/e2e-renderer, emptied first, under an e2e
 * run in progress would pull files from under it), possibly from another copy of the repo (A/B).
 */
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const REPO = join(import.meta.dirname, '..', '..');
export const RENDERER_OUT = join(REPO, 'out', 'e2e-renderer');

export async function buildRendererInto(
  outDir: string,
  options: { root?: string; minify?: boolean } = {},
): Promise<void> {
  await build({
    root: join(options.root ?? REPO, 'renderer'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, minify: options.minify ?? true },
  });
}

export const buildRenderer = (): Promise<void> => buildRendererInto(RENDERER_OUT);
