/**
 * The guest page: a plain browser page (no Electron, no bridge) that the server serves at
 * `/join/<token>`, with its files under `/join/assets/`. Root `renderer/guest/`, built into
 * `.vite/guest/` (index.html + assets/*), which the server reads. The server's CSP allows only
 * its own scripts and styles, so nothing here may be inlined or fetched from elsewhere.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export const GUEST_OUT_DIR = resolve(import.meta.dirname, '.vite', 'guest');

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer', 'guest'),
  // Absolute: the page lives at /join/<token>, so relative asset URLs would resolve under it.
  base: '/join/',
  plugins: [react()],
  build: {
    // Any current Chromium, Safari or Firefox (guests bring their own browser).
    target: 'es2022',
    outDir: GUEST_OUT_DIR,
    emptyOutDir: true,
    assetsDir: 'assets',
    // Small assets stay files: a data: URL for a script or style would need a looser CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
