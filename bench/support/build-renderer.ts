/**
 * The app's renderer built for a bench, as e2e/host/renderer-build.ts builds it but into a folder
 * of the bench's own: rebuilding out/e2e-renderer (emptied first) under an e2e run in progress
 * would pull files from under it. `root` may be another copy of the repo (A/B runs).
 */
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

export async function buildBenchRenderer(
  root: string,
  outDir: string,
  options: { minify?: boolean } = {},
): Promise<void> {
  await build({
    root: join(root, 'renderer'),
    base: './',
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false, minify: options.minify ?? true },
  });
}
