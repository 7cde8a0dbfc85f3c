/**
 * Main process bundle. Forge's Vite plugin adds the entry, CommonJS output (`.vite/build/main.cjs`)
 * and Node's built-ins as externals; everything else from node_modules is bundled, so the
 * packaged app needs no node_modules of its own except keytar.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    // Electron 45's main process runs Node 22.
    target: 'node22',
    rolldownOptions: {
      // keytar is a native addon: it is loaded from node_modules (unpacked from the asar), never bundled.
      external: ['electron', 'keytar'],
    },
  },
});
