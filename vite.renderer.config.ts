/**
 * Renderer bundle: root `renderer/`, built into `.vite/renderer/main_window/` (Forge's default place,
 * next to the main and preload bundles) which main serves at app://advisor/.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The Forge renderer name; it also names the output folder. */
export const RENDERER_NAME = 'main_window';
export const RENDERER_OUT_DIR = `.vite/renderer/${RENDERER_NAME}`;

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  // Relative asset URLs work under app://advisor/ and under the dev server alike.
  base: './',
  plugins: [react()],
  build: {
    target: 'chrome140',
    // Absolute, because a relative outDir would land inside root (renderer/).
    outDir: resolve(import.meta.dirname, RENDERER_OUT_DIR),
    emptyOutDir: true,
  },
});
