/**
 * Preload bundle (`.vite/build/preload.cjs`). Sandboxed preloads cannot load ES modules or anything
 * but `electron` from disk, so shared/ and zod are bundled into one CommonJS file.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    // Electron 45 is Chromium 140.
    target: 'chrome140',
    rolldownOptions: {
      external: ['electron'],
      output: { format: 'cjs', codeSplitting: false },
    },
  },
});
