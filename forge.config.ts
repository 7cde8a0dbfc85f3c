/**
 * Electron Forge runs the app in development (`npm start` → build/dev-start.ts → `electron-forge start`):
 * Vite builds main and preload into `.vite/build/` and serves the renderer. Signed installers are made
 * by electron-builder (electron-builder.yml); `electron-forge package` still yields an equivalent app.
 */
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FUSES } from './build/fuses.ts';
import { RENDERER_NAME } from './vite.renderer.config.ts';

/** What a packaged app contains: the Vite output, package.json and the one native dependency. */
const PACKAGED = [
  /^\/\.vite(\/|$)/,
  /^\/package\.json$/,
  /^\/node_modules$/,
  /^\/node_modules\/keytar(\/|$)/,
];

const config: ForgeConfig = {
  packagerConfig: {
    name: 'RichesReach Advisor',
    appBundleId: 'com.richesreach.advisor',
    icon: 'build/icon',
    // keytar's .node file must be a real file on disk for the OS loader.
    asar: { unpack: '**/{*.node,node_modules/keytar/**}' },
    ignore: (file: string) => file !== '' && !PACKAGED.some((pattern) => pattern.test(file)),
  },
  plugins: [
    new VitePlugin({
      build: [
        // Object entries name the output files: .vite/build/main.cjs and .vite/build/preload.cjs.
        { entry: { main: 'main/index.ts' }, config: 'vite.main.config.ts', target: 'main' },
        {
          entry: { preload: 'preload/index.ts' },
          config: 'vite.preload.config.ts',
          target: 'preload',
        },
      ],
      renderer: [{ name: RENDERER_NAME, config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin(FUSES),
  ],
};

export default config;
